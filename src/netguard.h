#ifndef TIDINGS_NETGUARD_H
#define TIDINGS_NETGUARD_H
/*
 * The address guard (pure): which addresses a document from the outside
 * may send tidings to.  A feed on a public address must not, by a
 * redirect (or, for issue 12's page fetches, by a link), make tidings
 * connect into the operator's own network: the loopback, the private
 * ranges, link-local and unique-local addresses, and the addresses that
 * mean "this host" or no host at all.
 *
 * The check is on the address actually connected to, after DNS, so a
 * host name that resolves (or re-resolves) into the network is caught as
 * well as a literal address.  fetch.c asks it from libcurl's open-socket
 * callback, before the connection is made (no packet goes out), and again
 * from the pre-request callback for a connection libcurl reuses.
 *
 * Who may go there (netguard_allows): a transfer whose configured URL is
 * itself on such an address (an intranet feed, a feed on localhost), and
 * a feed or a whole [fetch] section with allow_private = yes.
 *
 * Tests declare one loopback address public (TIDINGS_TEST_PUBLIC_ADDR,
 * read by fetch_new), so that a feed on 127.0.0.2 redirecting to
 * 127.0.0.1 exercises the refusal without a packet leaving 127.0.0.0/8.
 */
#include <sys/socket.h>

enum netguard_class {
	NETGUARD_PUBLIC = 0,
	NETGUARD_LOOPBACK,	/* 127.0.0.0/8, ::1 */
	NETGUARD_PRIVATE,	/* 10/8, 172.16/12, 192.168/16, 100.64/10 */
	NETGUARD_LINK_LOCAL,	/* 169.254/16, fe80::/10 */
	NETGUARD_UNIQUE_LOCAL,	/* fc00::/7, fec0::/10 (site-local) */
	NETGUARD_UNSPECIFIED,	/* 0.0.0.0/8, :: (Linux connects it to
				   the host itself) */
	NETGUARD_MULTICAST,	/* 224/4, ff00::/8, 255.255.255.255 */
	NETGUARD_RESERVED,	/* 240/4 */
	NETGUARD_INVALID,	/* not an IPv4 or IPv6 address */
};

/* The class of an IPv4 or IPv6 socket address.  IPv4-mapped and
 * IPv4-compatible IPv6 addresses (::ffff:a.b.c.d, ::a.b.c.d) and NAT64's
 * 64:ff9b::/96 are classed by the IPv4 address they carry.  public_ip, when
 * not NULL, is an address (text form) to class as public whatever it is:
 * the test hook above. */
enum netguard_class netguard_classify(const struct sockaddr *sa,
	    socklen_t len, const char *public_ip);
/* The same for an address in text form ("127.0.0.1", "::1"), as libcurl
 * reports the connection's primary IP. */
enum netguard_class netguard_classify_ip(const char *ip,
	    const char *public_ip);

/* "public", "loopback", "private", "link-local", "unique-local",
 * "unspecified", "multicast", "reserved", "invalid". */
const char *netguard_class_name(enum netguard_class c);

/* Whether a transfer may connect to an address of class c.  origin is the
 * class of the address the configured URL itself connected to (its first
 * connection); allow_private is the operator's allow_private.  Public is
 * always allowed; multicast, reserved and invalid addresses never; the
 * others when allow_private is set or the origin is not public. */
int	netguard_allows(enum netguard_class c, enum netguard_class origin,
	    int allow_private);

#endif
