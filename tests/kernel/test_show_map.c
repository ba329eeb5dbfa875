/* tests/kernel/test_show_map.c — one snapshot of a big hash map (loader/show/map.c): read in many
 * batches (the object declares 1,024 entries, the map given in its place holds 40,000), every entry
 * rendered exactly once with its value, handed to the output in pieces while the map is read (the
 * buffer never holds it whole), the --max-entries limit and its closing line, and the same as JSON.
 * Root only; the map and the object are closed, also when a check fails. */
#include "kbpf.h"
#include "ktest.h"

#include "bpf/sys.h"
#include "loader/show/show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { N = 40000 };

struct sink {
	char *text;
	size_t len, cap;
	int pieces;
	size_t largest;      /* the most the buffer held when it was handed over */
};

static void to_sink(void *ctx, const char *text, size_t len)
{
	struct sink *s = ctx;
	if (s->len + len + 1 > s->cap) {
		size_t cap = (s->len + len + 1) * 2;
		char *p = realloc(s->text, cap);
		if (!p)
			return;
		s->text = p;
		s->cap = cap;
	}
	memcpy(s->text + s->len, text, len);
	s->len += len;
	s->text[s->len] = '\0';
	s->pieces++;
	if (len > s->largest)
		s->largest = len;
}

/* Snapshot of map i into sink (spilled, then the rest); returns show_map_snapshot's result. */
static int snap(struct kobj *k, uint32_t i, bool json, uint32_t limit, struct sink *s)
{
	struct strbuf out = {0};
	struct show_map_state *state = NULL;
	struct show_map_view v;
	memset(s, 0, sizeof(*s));
	out.spill = to_sink;
	out.spill_ctx = s;
	struct show_opts opts = {.json = json, .count = 1, .max_entries = limit};
	show_map_view_obj(&k->o, &k->l, i, &v);
	int r = show_map_snapshot(&v, &opts, &state, &out);
	to_sink(s, out.buf ? out.buf : "", out.len);
	s->pieces--; /* the rest is not a spill */
	show_map_free(state);
	sb_free(&out);
	return r;
}

TEST(show_map_big_hash_in_batches)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	REQUIRE(kobj_load(&k, "examples/execsnoop.o", NULL) == 0, "load: %s", k.d.msg);
	int idx = -1;
	for (uint32_t i = 0; i < k.o.nmaps; i++)
		if (!strcmp(k.o.maps[i].name, "exec_count"))
			idx = (int)i;
	int fd = map_make(BPF_MAP_TYPE_HASH, 16, 8, N, "rl_test_big");
	int saved = idx >= 0 ? k.l.map_fds[idx] : -1;
	if (idx < 0 || fd < 0 || k.o.maps[idx].max_entries != 1024) {
		CHECK(0, "exec_count %d (max_entries %u), map %d", idx, idx >= 0 ? k.o.maps[idx].max_entries : 0, fd);
		goto out;
	}
	char key[16];
	for (uint64_t n = 0; n < N; n++) {
		memset(key, 0, sizeof(key));
		snprintf(key, sizeof(key), "k%llu", (unsigned long long)n);
		uint64_t v = n * 3 + 1;
		if (sys_map_update(fd, key, &v, BPF_NOEXIST)) {
			CHECK(0, "update %llu", (unsigned long long)n);
			goto out;
		}
	}
	k.l.map_fds[idx] = fd; /* the object's map, as far as the snapshot knows */

	/* Text, everything: each key once with its value. */
	struct sink s;
	int r = snap(&k, (uint32_t)idx, false, UINT32_MAX, &s);
	CHECK(r == N, "rendered %d entries, expected %d", r, N);
	CHECK(s.pieces >= 10, "handed over in %d pieces while reading", s.pieces);
	CHECK(s.largest < 256 * 1024, "the buffer held %zu bytes at once", s.largest);
	uint8_t *seen = calloc(N, 1);
	uint32_t lines = 0, bad = 0;
	for (char *line = s.text; seen && line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long long kn, v;
		if (sscanf(line, "exec_count[\"k%llu\"] = %llu", &kn, &v) != 2 || kn >= N || v != kn * 3 + 1 ||
		    seen[kn]++) {
			if (!bad++)
				CHECK(0, "line %u: %.60s", lines, line);
		}
		lines++;
	}
	CHECK(lines == N && bad == 0, "%u lines, %u bad", lines, bad);
	free(seen);
	free(s.text);

	/* The default limit: 256 entries, then a line saying so. */
	r = snap(&k, (uint32_t)idx, false, SHOW_MAX_ENTRIES, &s);
	CHECK(r == SHOW_MAX_ENTRIES, "limited: %d", r);
	uint32_t n = 0;
	for (const char *p = s.text; p && (p = strstr(p, "exec_count[\"k")); p++)
		n++;
	CHECK(n == SHOW_MAX_ENTRIES, "%u entries in the text", n);
	CHECK(s.len > 30 && strstr(s.text, "exec_count: first 256 entries shown\n"), "closing line: %s",
	      s.len > 60 ? s.text + s.len - 60 : s.text);
	free(s.text);

	/* JSON: one array, pieces included. */
	r = snap(&k, (uint32_t)idx, true, UINT32_MAX, &s);
	n = 0;
	for (const char *p = s.text; p && (p = strstr(p, "{\"key\":\"k")); p++)
		n++;
	CHECK(r == N && n == N, "JSON: %d rendered, %u in the text", r, n);
	CHECK(s.len > 2 && s.text[0] == '[' && s.text[s.len - 1] == ']', "one array");
	CHECK(strstr(s.text, "{\"key\":\"k7\",\"value\":22}"), "entry k7");
	free(s.text);
out:
	if (idx >= 0)
		k.l.map_fds[idx] = saved;
	if (fd >= 0)
		close(fd);
	kobj_close(&k);
	FDS_END();
}
