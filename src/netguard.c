#include "config.h"

#include "netguard.h"

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

static enum netguard_class
classify_v4(const unsigned char a[4])
{
	if (a[0] == 127)
		return NETGUARD_LOOPBACK;
	if (a[0] == 0)
		return NETGUARD_UNSPECIFIED;
	if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64))
		return NETGUARD_PRIVATE;
	if (a[0] == 169 && a[1] == 254)
		return NETGUARD_LINK_LOCAL;
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return NETGUARD_MULTICAST;	/* the broadcast address */
	if ((a[0] & 0xf0) == 224)
		return NETGUARD_MULTICAST;
	if ((a[0] & 0xf0) == 240)
		return NETGUARD_RESERVED;
	return NETGUARD_PUBLIC;
}

static enum netguard_class
classify_v6(const unsigned char a[16])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
	static const unsigned char zero[16];

	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return NETGUARD_LOOPBACK;
	if (memcmp(a, zero, 16) == 0)
		return NETGUARD_UNSPECIFIED;
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0 ||
	    memcmp(a, zero, 12) == 0)	/* IPv4-compatible (deprecated) */
		return classify_v4(a + 12);
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return NETGUARD_LINK_LOCAL;
	if ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0))
		return NETGUARD_UNIQUE_LOCAL;
	if (a[0] == 0xff)
		return NETGUARD_MULTICAST;
	return NETGUARD_PUBLIC;
}

/* 1 when the address (family, bytes) is the one public_ip names. */
static int
is_declared_public(int family, const void *addr, const char *public_ip)
{
	unsigned char b[16];

	if (public_ip == NULL || *public_ip == '\0' ||
	    inet_pton(family, public_ip, b) != 1)
		return 0;
	return memcmp(b, addr, family == AF_INET ? 4 : 16) == 0;
}

enum netguard_class
netguard_classify(const struct sockaddr *sa, socklen_t len,
    const char *public_ip)
{
	const struct sockaddr_in *s4;
	const struct sockaddr_in6 *s6;

	if (sa == NULL)
		return NETGUARD_INVALID;
	if (sa->sa_family == AF_INET && len >= sizeof(*s4)) {
		s4 = (const struct sockaddr_in *)(const void *)sa;
		if (is_declared_public(AF_INET, &s4->sin_addr, public_ip))
			return NETGUARD_PUBLIC;
		return classify_v4((const unsigned char *)&s4->sin_addr);
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(*s6)) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (is_declared_public(AF_INET6, &s6->sin6_addr, public_ip))
			return NETGUARD_PUBLIC;
		return classify_v6((const unsigned char *)&s6->sin6_addr);
	}
	return NETGUARD_INVALID;
}

enum netguard_class
netguard_classify_ip(const char *ip, const char *public_ip)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;

	if (ip == NULL)
		return NETGUARD_INVALID;
	memset(&s4, 0, sizeof(s4));
	memset(&s6, 0, sizeof(s6));
	if (inet_pton(AF_INET, ip, &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		return netguard_classify((struct sockaddr *)&s4, sizeof(s4),
		    public_ip);
	}
	if (inet_pton(AF_INET6, ip, &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		return netguard_classify((struct sockaddr *)&s6, sizeof(s6),
		    public_ip);
	}
	return NETGUARD_INVALID;
}

const char *
netguard_class_name(enum netguard_class c)
{
	switch (c) {
	case NETGUARD_PUBLIC: return "public";
	case NETGUARD_LOOPBACK: return "loopback";
	case NETGUARD_PRIVATE: return "private";
	case NETGUARD_LINK_LOCAL: return "link-local";
	case NETGUARD_UNIQUE_LOCAL: return "unique-local";
	case NETGUARD_UNSPECIFIED: return "unspecified";
	case NETGUARD_MULTICAST: return "multicast";
	case NETGUARD_RESERVED: return "reserved";
	case NETGUARD_INVALID: return "invalid";
	}
	return "invalid";
}

int
netguard_allows(enum netguard_class c, enum netguard_class origin,
    int allow_private)
{
	switch (c) {
	case NETGUARD_PUBLIC:
		return 1;
	case NETGUARD_LOOPBACK:
	case NETGUARD_PRIVATE:
	case NETGUARD_LINK_LOCAL:
	case NETGUARD_UNIQUE_LOCAL:
	case NETGUARD_UNSPECIFIED:
		return allow_private || origin != NETGUARD_PUBLIC;
	case NETGUARD_MULTICAST:
	case NETGUARD_RESERVED:
	case NETGUARD_INVALID:
		return 0;
	}
	return 0;
}
