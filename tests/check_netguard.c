#include <check.h>
#include <stdlib.h>

#include "netguard.h"

static const struct {
	const char		*ip;
	enum netguard_class	 c;
} cases[] = {
	{ "127.0.0.1", NETGUARD_LOOPBACK },
	{ "127.255.0.9", NETGUARD_LOOPBACK },
	{ "::1", NETGUARD_LOOPBACK },
	{ "::ffff:127.0.0.1", NETGUARD_LOOPBACK },
	{ "10.0.0.1", NETGUARD_PRIVATE },
	{ "172.16.0.1", NETGUARD_PRIVATE },
	{ "172.31.255.255", NETGUARD_PRIVATE },
	{ "172.32.0.1", NETGUARD_PUBLIC },
	{ "172.15.255.255", NETGUARD_PUBLIC },
	{ "192.168.1.1", NETGUARD_PRIVATE },
	{ "192.169.1.1", NETGUARD_PUBLIC },
	{ "100.64.0.1", NETGUARD_PRIVATE },
	{ "100.128.0.1", NETGUARD_PUBLIC },
	{ "::ffff:10.1.2.3", NETGUARD_PRIVATE },
	{ "64:ff9b::192.168.0.1", NETGUARD_PRIVATE },
	{ "::10.1.2.3", NETGUARD_PRIVATE },
	{ "169.254.169.254", NETGUARD_LINK_LOCAL },
	{ "fe80::1", NETGUARD_LINK_LOCAL },
	{ "febf::1", NETGUARD_LINK_LOCAL },
	{ "fc00::1", NETGUARD_UNIQUE_LOCAL },
	{ "fd12:3456::1", NETGUARD_UNIQUE_LOCAL },
	{ "fec0::1", NETGUARD_UNIQUE_LOCAL },
	{ "0.0.0.0", NETGUARD_UNSPECIFIED },
	{ "0.1.2.3", NETGUARD_UNSPECIFIED },
	{ "::", NETGUARD_UNSPECIFIED },
	{ "224.0.0.1", NETGUARD_MULTICAST },
	{ "255.255.255.255", NETGUARD_MULTICAST },
	{ "ff02::1", NETGUARD_MULTICAST },
	{ "240.0.0.1", NETGUARD_RESERVED },
	{ "93.184.216.34", NETGUARD_PUBLIC },
	{ "2001:db8::1", NETGUARD_PUBLIC },
	{ "2a00:1450::1", NETGUARD_PUBLIC },
	{ "::ffff:93.184.216.34", NETGUARD_PUBLIC },
	{ "localhost", NETGUARD_INVALID },
	{ "", NETGUARD_INVALID },
	{ "1.2.3", NETGUARD_INVALID },
};

START_TEST(test_classes)
{
	ck_assert_msg(netguard_classify_ip(cases[_i].ip, NULL) == cases[_i].c,
	    "%s: %s, not %s", cases[_i].ip,
	    netguard_class_name(netguard_classify_ip(cases[_i].ip, NULL)),
	    netguard_class_name(cases[_i].c));
}
END_TEST

START_TEST(test_declared_public)
{
	/* the test hook makes exactly the address named public */
	ck_assert_int_eq(netguard_classify_ip("127.0.0.2", "127.0.0.2"),
	    NETGUARD_PUBLIC);
	ck_assert_int_eq(netguard_classify_ip("127.0.0.1", "127.0.0.2"),
	    NETGUARD_LOOPBACK);
	ck_assert_int_eq(netguard_classify_ip("::1", "127.0.0.2"),
	    NETGUARD_LOOPBACK);
	ck_assert_int_eq(netguard_classify_ip("127.0.0.1", "bogus"),
	    NETGUARD_LOOPBACK);
	ck_assert_int_eq(netguard_classify_ip("127.0.0.1", ""),
	    NETGUARD_LOOPBACK);
}
END_TEST

START_TEST(test_allows)
{
	/* from a public origin: public only, unless the operator allows */
	ck_assert(netguard_allows(NETGUARD_PUBLIC, NETGUARD_PUBLIC, 0));
	ck_assert(!netguard_allows(NETGUARD_LOOPBACK, NETGUARD_PUBLIC, 0));
	ck_assert(!netguard_allows(NETGUARD_PRIVATE, NETGUARD_PUBLIC, 0));
	ck_assert(!netguard_allows(NETGUARD_LINK_LOCAL, NETGUARD_PUBLIC, 0));
	ck_assert(!netguard_allows(NETGUARD_UNIQUE_LOCAL, NETGUARD_PUBLIC, 0));
	ck_assert(!netguard_allows(NETGUARD_UNSPECIFIED, NETGUARD_PUBLIC, 0));
	ck_assert(netguard_allows(NETGUARD_LOOPBACK, NETGUARD_PUBLIC, 1));
	ck_assert(netguard_allows(NETGUARD_PRIVATE, NETGUARD_PUBLIC, 1));
	/* a feed that is itself in the network may stay there */
	ck_assert(netguard_allows(NETGUARD_LOOPBACK, NETGUARD_LOOPBACK, 0));
	ck_assert(netguard_allows(NETGUARD_PRIVATE, NETGUARD_LOOPBACK, 0));
	ck_assert(netguard_allows(NETGUARD_PUBLIC, NETGUARD_PRIVATE, 0));
	/* never: nothing listens there for a feed */
	ck_assert(!netguard_allows(NETGUARD_MULTICAST, NETGUARD_PRIVATE, 1));
	ck_assert(!netguard_allows(NETGUARD_RESERVED, NETGUARD_PUBLIC, 1));
	ck_assert(!netguard_allows(NETGUARD_INVALID, NETGUARD_PUBLIC, 1));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netguard");
	TCase *tc = tcase_create("classes");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_classes, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_declared_public);
	tcase_add_test(tc, test_allows);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
