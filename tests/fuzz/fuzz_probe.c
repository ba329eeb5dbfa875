/* tests/fuzz/fuzz_probe.c — libFuzzer target for what a section name says about where a program
 * goes: the SEC() table (secdef_find, the old names, --type), uprobe targets (secdef_uprobe_parse:
 * PATH:FUNC[+OFF], PATH:OFF), kprobe targets (attach_kprobe_parse: FUNC[+OFF]), --nf specs and
 * kprobe.multi patterns (attach_kmulti_symbols, over the text after the first NUL). The input is
 * a section name up to its first NUL. Whatever is handed back must point into the name (or the
 * text), and every failure must say why. Seeds: the section names of the examples and test
 * programs, patterns with kallsyms and available_filter_functions text (tests/fuzz/seeds.sh). */
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

	/* The old names, --type TYPE[:ATTACH], --nf [FAMILY:]HOOK:PRIORITY, on the same text. */
	const struct secdef_legacy *old = secdef_find_legacy(name);
	if (old && !secdef_legacy_from_name(old->from))
		abort();
	char buf[256];
	const char *t2 = NULL;
	const struct secdef *ty = secdef_from_type(name, buf, sizeof(buf), &t2);
	if (ty && (!t2 || (*t2 && (t2 < buf || t2 >= buf + sizeof(buf)))))
		abort();
	struct attach_nf nf;
	struct diag nd = {{0}};
	if (attach_parse_nf(name, &nf, &nd) != 0 && !nd.msg[0])
		abort();

	/* kprobe.multi: the name as a pattern over the rest of the input, read as the text of
	 * available_filter_functions and of /proc/kallsyms. */
	if (len < size) {
		size_t tlen = size - len - 1;
		for (int kallsyms = 0; kallsyms < 2; kallsyms++) {
			char *text = malloc(tlen + 1);
			if (!text)
				break;
			memcpy(text, data + len + 1, tlen);
			text[tlen] = '\0';
			const char **names = NULL;
			uint32_t n = 0;
			if (attach_kmulti_symbols(text, tlen, kallsyms, name, &names, &n) == 0) {
				for (uint32_t i = 0; i < n; i++)
					if (names[i] < text || names[i] > text + tlen || !memchr(names[i], '\0', (size_t)(text + tlen + 1 - names[i])))
						abort();
				for (uint32_t i = 1; i < n; i++)
					if (strcmp(names[i - 1], names[i]) >= 0)
						abort(); /* sorted, each once */
			}
			free(names);
			free(text);
		}
	}
	free(name);
	return 0;
}
