#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

START_TEST(test_known_vectors)
{
	char hex[65];

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

int
main(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("sha256");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_known_vectors);
	tcase_add_test(tc, test_incremental_equals_whole);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
