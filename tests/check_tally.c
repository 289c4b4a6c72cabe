#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static struct cycle_outcome
outcome(int failed, int not_modified, const char *eclass, long added,
    long updated, long duplicate)
{
	struct cycle_outcome o;

	memset(&o, 0, sizeof(o));
	o.failed = failed;
	o.not_modified = not_modified;
	o.eclass = eclass;
	o.added = added;
	o.updated = updated;
	o.duplicate = duplicate;
	return o;
}

START_TEST(test_classify)
{
	struct cycle_outcome o;

	o = outcome(0, 0, NULL, 1, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_OK);
	o = outcome(0, 1, NULL, 0, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_NOT_MODIFIED);
	o = outcome(1, 0, "http", 0, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_HTTP);
	o = outcome(1, 0, "too-large", 0, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_TOO_LARGE);
	o = outcome(1, 0, "parse", 0, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_PARSE);
	/* a failure without a class is the store's */
	o = outcome(1, 0, NULL, 0, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_STORE);
	o = outcome(1, 0, "something-new", 0, 0, 0);
	ck_assert_int_eq(tally_classify(&o), TALLY_OTHER);
	/* every fetch error class has its own result */
	for (int e = FETCH_ERR_DNS; e <= FETCH_ERR_OTHER; e++) {
		o = outcome(1, 0, fetch_error_name((enum fetch_error)e), 0, 0,
		    0);
		ck_assert_str_eq(tally_result_name(tally_classify(&o)),
		    fetch_error_name((enum fetch_error)e));
	}
	ck_assert_str_eq(tally_result_name(TALLY_NOT_MODIFIED),
	    "not_modified");
	ck_assert_str_eq(tally_result_name(TALLY_NRESULTS), "other");
}
END_TEST

START_TEST(test_add_and_summary)
{
	struct tally t, all;
	struct store_cycle sc;
	struct cycle_outcome o;
	char line[256];

	memset(&t, 0, sizeof(t));
	o = outcome(0, 0, NULL, 4, 1, 2);
	tally_add(&t, &o, 1000, 100);
	o = outcome(0, 1, NULL, 0, 0, 0);
	tally_add(&t, &o, 0, 120);
	o = outcome(1, 0, "connect", 0, 0, 0);
	tally_add(&t, &o, 0, 130);
	t.exported = 5;
	ck_assert_int_eq(t.checked, 3);
	ck_assert_int_eq(t.failed, 1);
	ck_assert_int_eq(t.results[TALLY_OK], 1);
	ck_assert_int_eq(t.results[TALLY_NOT_MODIFIED], 1);
	ck_assert_int_eq(t.results[TALLY_CONNECT], 1);
	ck_assert_int_eq(t.added, 4);
	ck_assert_int_eq(t.updated, 1);
	ck_assert_int_eq(t.duplicate, 2);
	ck_assert_uint_eq(t.bytes, 1000);
	/* the failure at 130 is not a success */
	ck_assert_int_eq(t.last_success, 120);

	tally_summary(&t, 1234, line, sizeof(line));
	ck_assert_str_eq(line, "cycle: 3 feed(s) checked, 1 not modified, "
	    "4 new, 1 updated, 1 failed, 5 exported, 1.2s");
	tally_summary(&t, 40, line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "exported, 0.0s"));
	tally_summary(&t, 1960, line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "exported, 2.0s"));

	memset(&sc, 0, sizeof(sc));
	tally_to_cycle(&t, &sc);
	ck_assert_int_eq(sc.checked, 3);
	ck_assert_int_eq(sc.not_modified, 1);
	ck_assert_int_eq(sc.failed, 1);
	ck_assert_int_eq(sc.added, 4);
	ck_assert_int_eq(sc.updated, 1);
	ck_assert_int_eq(sc.duplicate, 2);
	ck_assert_int_eq(sc.exported, 5);
	ck_assert_int_eq(sc.bytes, 1000);
	ck_assert_ptr_null(sc.source);	/* the caller's */

	memset(&all, 0, sizeof(all));
	all.last_success = 500;
	tally_merge(&all, &t);
	tally_merge(&all, &t);
	ck_assert_int_eq(all.checked, 6);
	ck_assert_int_eq(all.results[TALLY_CONNECT], 2);
	ck_assert_int_eq(all.exported, 10);
	ck_assert_uint_eq(all.bytes, 2000);
	ck_assert_int_eq(all.last_success, 500);
}
END_TEST

static Suite *
tally_suite(void)
{
	Suite *s = suite_create("tally");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_add_and_summary);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tally_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
