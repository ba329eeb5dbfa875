/* tests/unit/test_attach_nf.c — --nf [FAMILY:]HOOK:PRIORITY as attach_parse_nf reads it: families
 * and hooks by name in any case (NF_INET_* numbers from <linux/netfilter.h>), priorities between
 * the two the kernel reserves, and one clear line for everything else. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "loader/attach/attach.h"

TEST(attach_nf_specs)
{
	static const struct {
		const char *spec;
		bool v4, v6;
		uint32_t hook;
		int32_t prio;
	} ok[] = {
		{"input:0", true, false, 1, 0},
		{"ipv4:prerouting:-100", true, false, 0, -100},
		{"ip:forward:7", true, false, 2, 7},
		{"ipv6:OUTPUT:5", false, true, 3, 5},
		{"ip6:postrouting:-2147483647", false, true, 4, -2147483647},
		{"inet:Input:2147483646", true, true, 1, 2147483646},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct attach_nf nf;
		struct diag d = {""};
		int err = attach_parse_nf(ok[i].spec, &nf, &d);
		CHECK(err == 0, "'%s': %s", ok[i].spec, d.msg);
		CHECK(!err && nf.ipv4 == ok[i].v4 && nf.ipv6 == ok[i].v6 && nf.hook == ok[i].hook && nf.priority == ok[i].prio,
		      "'%s': v4 %d v6 %d hook %u priority %d", ok[i].spec, nf.ipv4, nf.ipv6, nf.hook, nf.priority);
	}
	static const struct {
		const char *spec, *needle;
	} bad[] = {
		{"input", "not [FAMILY:]HOOK:PRIORITY"},
		{"", "not [FAMILY:]HOOK:PRIORITY"},
		{"a:b:c:d", "not [FAMILY:]HOOK:PRIORITY"},
		{"ipx:input:0", "family 'ipx'"},
		{":input:0", "family ''"},
		{"ipv4:inbound:0", "hook 'inbound'"},
		{"input:", "priority ''"},
		{"input:1x", "priority '1x'"},
		{"input:2147483647", "priority '2147483647'"},
		{"input:-2147483648", "priority '-2147483648'"},
		{"input:99999999999999999999", "priority"},
		{"ipv4:input:0123456789012345678901234567890123456789012345678901234567890", "not [FAMILY:]HOOK:PRIORITY"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct attach_nf nf;
		struct diag d = {""};
		int err = attach_parse_nf(bad[i].spec, &nf, &d);
		CHECK(err == -EINVAL && strncmp(d.msg, "--nf '", 6) == 0 && strstr(d.msg, bad[i].needle),
		      "'%s': %d '%s' (want '%s')", bad[i].spec, err, d.msg, bad[i].needle);
	}
	struct diag d = {""};
	struct attach_nf nf;
	CHECK(attach_parse_nf(NULL, &nf, &d) == -EINVAL, "NULL accepted");
}
