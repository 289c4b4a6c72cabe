#include "config.h"

#include <libxml/parser.h>

#include "cli.h"
#include "log.h"

int
main(int argc, char **argv)
{
	int rc;

	log_init(LOG_LVL_NOTICE, -1);
	xmlInitParser();
	rc = cli_main(argc, argv);
	xmlCleanupParser();
	return rc;
}
