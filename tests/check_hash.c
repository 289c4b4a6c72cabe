#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

/* Each test runs twice: _i 0 with the portable code, _i 1 with the CPU's
 * SHA instructions when it has them. */
static void
path(int accel)
{
	hash_sha256_accel(accel);
}

START_TEST(test_known_vectors)
{
	char hex[65];

	path(_i);

	hash_sha256_hex("", 0, hex);
	ck_assert_str_eq(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hash_sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Two blocks: the padding crosses a block boundary. */
	hash_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	ck_assert_str_eq(hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_incremental_equals_whole)
{
	struct hash_sha256 c;
	char a[65], b[65], data[1000];
	size_t i;

	path(_i);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	hash_sha256_hex(data, sizeof(data), a);
	hash_sha256_init(&c);
	for (i = 0; i < sizeof(data); i += 13)
		hash_sha256_update(&c, data + i,
		    i + 13 <= sizeof(data) ? 13 : sizeof(data) - i);
	hash_sha256_final_hex(&c, b);
	ck_assert_str_eq(a, b);
}
END_TEST

/* Every length across the padding boundaries (55, 56, 63, 64, 119, 120,
 * 128), against digests computed by Python's hashlib. */
START_TEST(test_every_length)
{
	static const char *const want[] = {
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"2ecd8a6b7d2845546659ad4cf443533cf921b19dc81fa83934e83821b4dfdcb7",
		"b361d0f9a938a2bb4fbdc9c21dc5a859788041b0040919d8a811c1888184f4df",
		"6e14590861815ebebb76e8ca460621bd0f60ea4f1550edbf32e664d30d7a04fd",
		"26a8ccb73711d258c230ec4321d8f6922cd051b2b803c030b4cf04de043099b6",
		"fe3d050ade98507744c764c0727ac493215778eceb51d9094e8bbfd6a22d3735",
		"1d9f84a2c1c5829d4e068d19e9b528f92dc13a044e5df8330027b4fc349724c5",
		"5fd8b294c3f896aa97b3479e20d5b807414731a70d06a97edfbc83e4d575f45c",
		"3852a0902c04a73392272f20d9a311e0fce5886b3bb2215ec83e5bf5d6307064",
		"18da5405f99aeda80989c4deefa592bf0bcb1088a546bbd6397e2d26e53e29fe",
		"8ccc9b21db91529903443330a9dcff3ca411c7b1615be2d43155a2530b8ac0ff",
		"8245feb5d883d0e9dafc99a68de6b2f23ad2927aea3234322f9d3fcdaf1001e6",
		"6200cd09a5ba272892790c4b8f8f2e9c7bf93f8d6c15af367dce004529fc6259",
		"6b57b820b00da883ac7a32c32869536e5682a539fa32740efa3daf1b8699e441",
		"0e67afc0c726b49d7edd84e83cec79b68167f04a0972da170970e432f8ae7065",
		"f7bc6c13e813d37799484d9cd24d1570d3e943fe0fe6e8f64925faabce0af40d",
		"e060fc0bb46619525f8ec49b48b5a6d6ceaa3157a887381212af57296d355d20",
		"3ed7ca8e920272d1ba3de8dd300c48973ec4a2ae13c94897e1c66800289d7ffd",
		"c62c7beb7c6847677e1a05cd562070545ef3fa2f362e5fe01261300057903194",
		"e9d7589f94fb2e2608a4535804ad1361316cc7c02e13c8d6a297142ada611bcc",
		"ec975b95b4fb25486068f247797206119b843a44b31fa272c727326b1e589189",
		"b0435ac5fb3caf3ff3d69aeebf42b6b85c78e4a085b49160ad5aa4a97724dcc6",
		"dd40ab7f066a43935add0ca3aa019c18d4568d47db722d370800c0c3335e7b15",
		"baf7f436382f4acc904a4bbe392c7cecc76811cef97209d835abf3b26f2822b2",
		"49f939d10d3b8afbae167eb0c66e858f7334135ded2a7c6d73e7a64d6e54e4cb",
		"684192f2df8f126bc4b5e2008a05433a74e57604723336b692187b82bda6c51e",
		"c5fe3de3fe859fdcd9c47f7dc9aebda9784e6103c29b3b23da63612c4aafc1b5",
		"12b80d0f333d556e44c6c06a5ac5a6a130740451007d77f2f26a849e8747cf96",
		"655551b79154aa5ac66aadcc4c2b93f22f318ec08cf4b1d38b3bcf323f66c619",
		"0617b8d6c0f0d6b02da37cc2dc2ebe4b22604391be384a05f0ba1f4cc1af608c",
		"2197034814f92b080202a844385a3348b50636db471788080cc382724b8eb8fc",
		"2dfd602a7a260b7a12905fd2ebd4b9acf49eed561758b9cb89cbccee389ae02d",
		"e2d7e89e458eeddd8ccf6d1fec1db8ebc6a2e3436fffec5de731ebe0b6b5c889",
		"630aab499e95d4da4e05ae8870704515725489ad4d81e4bd8cf88be855aec62e",
		"62c108b1d65dee74ca6d2c7af92ec50ff1df2afbba962fc97426fa8a2821e826",
		"1c60eff791be392ffca020b21bb9abebd228c45435a88fc12b9731c6353f840b",
		"c7f89eb70b6f564168c6fc6715266f67de653ba64c3fc240817cb1f38462c9fe",
		"c82f68293be2f99cc4c8bd0b6272576e4ecbf0723340b923a7380de80d87c6dc",
		"64e824cec5e1e4b73fa19d3273702a079f02c148dd3167f14a4342484b06b8b3",
		"41158422cbee1b61550b1d690cc76f17c480ce4cd263a0eea981055f4aec384d",
		"6957c544e6c694f64713e2452c7fc2a73ccbd8e863c36b3a7dadfd84b9a641e6",
		"7cfed3a00325e02a593c0a8cf7777b4e55287d84755d3149cb91b48fee1003b6",
		"9425d7dbebfa9059943b334e1075a05d0ad8639e7ad7204785f34aceb56c7546",
		"93ce88f7bac3c97bb5e83bb57fcc1c771f5a593d7b9940f8277428ed54c4c6c5",
		"bd7ba9694318439475cf8a85312a7ec36e0d5cf5f3538cbf58acd87b193deccc",
		"d8f2a7748e242852c234b24e2dc3720a6641f9639d37edf1e913ff4fb150d653",
		"febf46350fa78affa8713b6da5cd3bf2dfedd3980ecf9f0dc4edbffea1238400",
		"3e6e72f464ca0cf20a7047697cc998a7cc435e0d1f7db62b4ee2e70e80a0faa3",
		"ef5da9e362f9d8dc28ed45f6d5a2e53e710b1b99418e19418567e10c751d8f8d",
		"811e7e83b970189882de8a6c10d61feb5a52d5fc385cf6b808b19fe8ddc8c3a6",
		"bbcfc0ae25d396aefb104a62ec73d7e2f45ca44ecb0980b59983ea70675aeb52",
		"7257d72c3d13b3693c57b9771a97776a8041f107d71b52b4640dafc569dd2235",
		"f4ec627943e90db98444281b13a6bfb869045e7687692cf14be124e87e7f4964",
		"8c71cf2dc60db40d269869fd22afbdc3264cb228ad5718f828764c1cbd9c5559",
		"576a1bf8d4478657e6dc4af9398544765c2a92cde28478b019235cfed315fc09",
		"9b20501dfd1d99161c257950f3444f3e49230c351c5c8e0943ef369f85f5205d",
		"a5534a9d0694341dfde5b1bb3d8addcb38bd46f44a629dc97b3f8fb2721b0720",
		"fd8eb4a450b4d38ba533d21c781acdb82030a94705c5780a86fefc8f9ea43ba5",
		"069eac3fb0ca0800e6027e942c95a798a9baff6c13fec51fe05255ae7d4c7209",
		"23ec6b50913d9fe89e78fe7d8821db438a4d08201c0317d5310be584655bfaa7",
		"e943e6fadccc248d333668cacc9badad69352401746899d3eb6955efcd0f37b6",
		"5110158521773749808a68c6c988ab909015f72d223cda95927a58ad00f78c9e",
		"30b345906b493f06f69444b6521113511c242f30e29840462950035043682f1e",
		"d8bc63b4fc1156e5e7d95a418b9bf54cd3174bedbc2db40f74895349b229b3c0",
		"1ee23b0fbcaecc1aff4a9e8f1645f35ab2c8e13609cd73b68df8b5e3f63ce073",
		"01dd839d39da1de24396ee2d4d0185f1c425ad22150373cba451661925b434e6",
		"6b525322dbc5fcf9de3e94fc31a616612f9da2fcd968552f5f83c9e9b0c3ab98",
		"0623cbd31ae3c45c181faca0f52750f8a8107bdccca259814dda91b20cf6d8b3",
		"3fc34758d0c8305f6a2b5c18720ef4abc8af856f9c5132fbae7937375404fe01",
		"e9cbcb3ccfee357449a0e90d3bdaa2060ebac70f7ddbfe1c82dfa5ba332d0d66",
		"500d4014e220f281ef53955c037f8f42b0acdc357e1a32a9e8231b44cc460045",
		"9d4473bce5c45cd8d5413d663c8cab997fa63e09f20213cdb202b271e6c35567",
		"101f94db6fc76b38267338444222f7c0da112022f777f74067ad1fc4cf239361",
		"41f4d3c6aff71f20964d9073e9096f73e604930df0e07a19da942ad49b4534fb",
		"22954b54fb9e94c711134745a0b71d3e7b8837289acf468ecefd0a6baaf72b8a",
		"72f586c46b3b2cd4d7f7c67b3bedc632e4695b65cf8b7d11539fe3718a599086",
		"aba2c36f3a871717ca743040ca8ced832ca88e89a31fe8494088fc11c39694eb",
		"c6a1d1f00e66dcf52c0f58c1036019d089f42f87b919d9204c820e868e5ebbf0",
		"ce734fdf5492a29838054f592e3e1dbfeb6efbe0660c06b18a4043553fe7ef38",
		"931165982d49bd6fd49c251c1e06bbce9155a7720b501909c1784669c7a665ef",
		"ddf522965cf3fbaa23032ec94857cd785fa213a86061d9343d6bc4d351186042",
		"9a6c40523b33ba5e7cf2eeba90b952734161f7233e52ab7d73a3993e13a97812",
		"70fb095f1e3dc71e27629b6566bf5b14f8b8088bb1d90ab9333648fa495d9f07",
		"84fcc43056d468da388333fc4890ce50441c7f57d9ff074ff6b2985c8f7c50cf",
		"a57437ae53a1c495878644d272cedf156ee69b97b69f8239c69248797b2855b8",
		"511291aeef5b5ead2d5634ed0a7d1cd11a725a423296051dd22b540a444b0638",
		"fd4edf09a98c6a0a15b51f08535b869b61383c61513759cc5d18607b377bdbca",
		"e4a5633a65d6b4876b45395f5a3e0344e12b46827a85d985df2958b023ff2ecf",
		"8abf9be3c17654f359a2ec635b069cb653c88ae881f64a23ef099387b2f9acf7",
		"bb2002f56f493dfbfac4c9742cda90c41d53ce97f7f11bbd511db67464a8ed7e",
		"7bc0ae87bb2ba277a95abd81f5fd905147a6b5a3f1e35cf968cad3b2a3471b72",
		"b83019d810d8241f3c6bd22055dcfc40bdaf4fc2b379ff24bc0dc468b8923c4f",
		"875bd69eb3fc14816c1145f3b30201fcfd64b2eafb9913a461cf8e9582cf4dbd",
		"06f1ec983e5f417b213adf101b19af4de130668d7c52f70178fa11aa5eda9b53",
		"220dfe12fede790167580ec425727bc84a50b1c45aeb4dc40f8f5eacb8bee9dc",
		"8050f9c626460e59ecf977244a4d7ec8fb57be3bca148d3a74c59f6a6235aee0",
		"f096e640fc64eb048311d84ff017f74fc504a44a4056bca00590a47807014502",
		"d43aa12fd761b5663fb93433f65bdfbf201c36f62523b6140eca5c4f49eb1c12",
		"8810a3d336e15b98cadaaa9181d2399916614bffe4f4cd67b220b690331ab640",
		"56fee4b12b280ea1e7c1b550002bb18b342ccbd7229cd4b147ea07aa1a691294",
		"8c6564ccfaef7e565a5041aa41eafbc4d0c4713ccedfc51c6d1e42f8e7af8256",
		"7bfda0cec804da6384b8f47f0348975e9f686b86eb7d4a4a66312139c96dfaab",
		"433411bdf5ea1d88845c9e5a062305b3bc04c900378c5be1df048370106e1a33",
		"944b16389d93d6785892b113b53650ad0758510aca9293b8637601f7dbf90a80",
		"eacfd1b0bd334ac1e1ba62be95ac5c0023a41373b4227a9b428dfbb57767e358",
		"6989fd9293baea46cd3c1fe1d6076a1c6c12e5bccd1d4945a0a0d06c8fc551a6",
		"e23246daef3ca672baa9be672860e18e41e6a82312a3982d8f9e0111091e0723",
		"a68714f56a32d74d753e25225e5291c591f5c97c57c78c87495e140c63676991",
		"d12ed4b2af94eb1935dcff14727ee2100e5365110b2224e0c018db443849ad66",
		"167bf724640413ae6f70d566c66699ada8b787092bf8d69b678a2f945619af93",
		"d80a22461ae74d8e6944001e255f9e47eca17702b1dc987238d78e6e1ea3e342",
		"a4ecd1e6c38e9d976d0cef32d899be35eb83c98d46b4dbfd68a1560f83b786a2",
		"b157e44dab050697a0087c28d28c841e379268f805f8e6ccd4e3b0215051130f",
		"64496981493aac970748678f75fb7b5b2747747386d2c9a96c8705b969fa7b1d",
		"05486d16266ca040529ee30c812ee17f88520268cdd0bb5ff4e99e9746dbf9bc",
		"4989187bcd3ce14dbe5473718c2de5718bb93e3495f00397374aa9b8c0ce8799",
		"e217c62aed3c1762f0250eb8449303e4c9669fae4eae741af9e0462ea6572661",
		"eeaec81f8e03ac7f02b58723a6066ff9000997b7fb1b78a39b833c172c3803c9",
		"7a6589821178918ca8d9edaba5abfc1e9b2669564f4469b66885379c1530b2c8",
		"655250427d56b1b0eeb8497d21428704273458a01772d6881b65c0abac0f8a98",
		"45f58104c4de6fb3c56974bce12a36de36198024612e48629871796548d4620c",
		"e4460e8f9ff8e56a8b6fb527bce8c9b937cf3c24ef3d276fe6324edf0b9c61c0",
		"c8c2e01f574361ed2ad8327cfb2e333cb0858e3f8994ed1d153b94c229fe6c60",
		"543aceb31b62c3c3d83fbde209c2cfd7c5aca0958005ba9d3dec3d9a253321a0",
		"03f03050a14b07561fc50d1d989506d33644307a0ffe54f8f32194c4d2ae9bb5",
		"039fcb3c2da24724b4e913c64c0eddb3ed43b070a997c44efbcf2b8d96be1b69",
		"67d79933e3c9aa8e89f481e071cfca1e9a16c09d7263b5efa3bb01f1a9f8d065",
		"54c9eb041badfd7064645067b107661fed6113197ce2dd066ba69618abd3732f",
		"5b55715b51c54661ed0cbd75ba5b00cf1ffee3b7c113a636eca613d9425116a6"
	};
	char data[130], hex[65];
	size_t n, i, split;

	path(_i);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7);
	for (n = 0; n < sizeof(want) / sizeof(want[0]); n++) {
		hash_sha256_hex(data, n, hex);
		ck_assert_msg(strcmp(hex, want[n]) == 0, "length %zu", n);
		for (split = 0; split <= n; split += 13) {
			struct hash_sha256 c;

			hash_sha256_init(&c);
			hash_sha256_update(&c, data, split);
			hash_sha256_update(&c, data + split, n - split);
			hash_sha256_final_hex(&c, hex);
			ck_assert_msg(strcmp(hex, want[n]) == 0,
			    "length %zu split %zu", n, split);
		}
	}
}
END_TEST

/* Long inputs (many whole blocks in one update) give the same digest on
 * both paths, and 1,000,000 'a' gives the FIPS 180-2 vector. */
START_TEST(test_paths_agree)
{
	static char data[1000000];
	char a[65], b[65];
	size_t n, i;
	int accel;

	memset(data, 'a', sizeof(data));
	hash_sha256_accel(0);
	hash_sha256_hex(data, sizeof(data), a);
	ck_assert_str_eq(a,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	accel = hash_sha256_accel(1);
	hash_sha256_hex(data, sizeof(data), b);
	ck_assert_str_eq(a, b);
	for (i = 0; i < 4096; i++)
		data[i] = (char)(i * 131 + (i >> 5));
	for (n = 0; n <= 4096; n += 61) {
		hash_sha256_accel(0);
		hash_sha256_hex(data, n, a);
		hash_sha256_accel(accel);
		hash_sha256_hex(data, n, b);
		ck_assert_msg(strcmp(a, b) == 0, "length %zu", n);
	}
}
END_TEST

static size_t
unhex(const char *s, unsigned char *out)
{
	size_t n = 0;
	unsigned v;

	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		sscanf(s, "%2x", &v);
		out[n++] = (unsigned char)v;
	}
	return n;
}
/* RFC 4231's test cases 1-4, 6 and 7 (5 truncates the output). */
START_TEST(test_hmac_rfc4231)
{
	static const struct {
		const char	*key;	/* hex */
		const char	*data;	/* hex */
		const char	*mac;
	} v[] = {
		{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
		  "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "4a656665",
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ "0102030405060708090a0b0c0d0e0f10111213141516171819",
		  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	unsigned char key[200], data[200], mac[32];
	char hex[65];
	size_t i, kl, dl;

	path(_i);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		kl = unhex(v[i].key, key);
		dl = unhex(v[i].data, data);
		hash_hmac_sha256(key, kl, data, dl, mac);
		hash_hex(mac, sizeof(mac), hex);
		ck_assert_msg(strcmp(hex, v[i].mac) == 0, "case %zu: %s", i,
		    hex);
	}
	path(1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("sha256");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_known_vectors, 0, 2);
	tcase_add_loop_test(tc, test_incremental_equals_whole, 0, 2);
	tcase_add_loop_test(tc, test_every_length, 0, 2);
	tcase_add_test(tc, test_paths_agree);
	suite_add_tcase(s, tc);
	tc = tcase_create("hmac");
	tcase_add_loop_test(tc, test_hmac_rfc4231, 0, 2);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
