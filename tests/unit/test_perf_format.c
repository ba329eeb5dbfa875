/* tests/unit/test_perf_format.c — perf_parse_config_bit on the text of PMU format files, as the
 * kernel writes them (/sys/bus/event_source/devices/uprobe/format/retprobe holds "config:0\n",
 * ref_ctr_offset "config:32-63\n"). */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "bpf/perf.h"

TEST(perf_config_bit)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{"config:0\n", 0}, {"config:0", 0}, {"config:7\n\n", 7}, {"config:63\n", 63},
		{"config:64\n", -EINVAL}, {"config:100", -EINVAL}, {"config:32-63\n", -EINVAL},
		{"config:", -EINVAL}, {"config:\n", -EINVAL}, {"config1:0", -EINVAL}, {"Config:0", -EINVAL},
		{"config:-1", -EINVAL}, {"config:1 ", -EINVAL}, {"", -EINVAL}, {"\n", -EINVAL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = perf_parse_config_bit(cases[i].text, strlen(cases[i].text));
		CHECK(got == cases[i].want, "'%s': %d, expected %d", cases[i].text, got, cases[i].want);
	}
	/* the length bounds the read: "config:12" cut after "config:1" */
	CHECK(perf_parse_config_bit("config:12", 8) == 1, "length not respected");
	/* a file read into a larger, zeroed buffer */
	CHECK(perf_parse_config_bit("config:5\n\0\0\0", 12) == 5, "trailing NULs");
}
