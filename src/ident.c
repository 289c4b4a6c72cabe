#include <string.h>

#include "err.h"
#include "ident.h"

static const char *const identity_names[] = {
	"auto", "guid", "link", "content",
};

const char *
dedup_identity_name(enum dedup_identity m)
{
	if ((unsigned)m < sizeof(identity_names) / sizeof(identity_names[0]))
		return identity_names[m];
	return "auto";
}

int
dedup_identity_parse(const char *s, enum dedup_identity *out)
{
	size_t i;

	for (i = 0; s && i < sizeof(identity_names) / sizeof(identity_names[0]);
	    i++) {
		if (strcmp(s, identity_names[i]) == 0) {
			*out = (enum dedup_identity)i;
			return ERR_OK;
		}
	}
	return ERR_INVALID;
}
