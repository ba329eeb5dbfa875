/* tests/fuzz/fuzz_probe.c — libFuzzer target for what a section name says about where a program
 * goes: the SEC() table (secdef_find), uprobe targets (secdef_uprobe_parse: PATH:FUNC[+OFF],
 * PATH:OFF) and kprobe targets (attach_kprobe_parse: FUNC[+OFF]). The input is a section name
 * (cut at its first NUL). Whatever is handed back must point into the name, and every failure must
 * say why. Seeds: the section names of the examples and test programs (tests/fuzz/seeds.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/attach/attach.h"
#include "loader/obj/secdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const char *p, size_t n, const char *s, size_t len)
{
	if (n && (p < s || p + n > s + len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1);
	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	size_t len = strlen(name);
	const char *target = NULL;
	const struct secdef *def = secdef_find(name, &target);
	if (def) {
		if (!target || (*target && (target < name || target > name + len))) /* "" when none */
			abort();
		if (def->attach == ATTACH_UPROBE && *target) {
			struct secdef_uprobe u;
			struct diag d = {{0}};
			if (secdef_uprobe_parse(def, target, &u, &d) == 0) {
				inside(u.path, u.path_len, name, len);
				inside(u.func, u.func_len, name, len);
			} else if (!d.msg[0]) {
				abort();
			}
		}
		if (def->attach == ATTACH_KPROBE) {
			char func[128];
			uint64_t off;
			memset(func, 'x', sizeof(func));
			if (attach_kprobe_parse(target, func, sizeof(func), &off) == 0 && !memchr(func, '\0', sizeof(func)))
				abort();
		}
	}
	/* Every kind of uprobe target through the parser, whatever the name's own kind. */
	const struct secdef *up = secdef_find("uprobe/x", &target);
	if (up && len) {
		struct secdef_uprobe u;
		struct diag d = {{0}};
		if (secdef_uprobe_parse(up, name, &u, &d) == 0) {
			inside(u.path, u.path_len, name, len);
			inside(u.func, u.func_len, name, len);
		} else if (!d.msg[0]) {
			abort();
		}
	}
	char func[64];
	uint64_t off;
	attach_kprobe_parse(name, func, sizeof(func), &off);
	free(name);
	return 0;
}
