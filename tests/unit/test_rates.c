/* tests/unit/test_rates.c — the display's changes between snapshots (loader/show/rates.h,
 * ratefmt.h): numeric leaves found in clang-built BTF (structs, nested structs, DATASECs; addresses,
 * protocols, enums, arrays and strings left out), per-CPU sums, the table of keys across snapshots
 * (first, new, changed, twice, gone, array slots counted from zero, forgotten, caps, compaction,
 * sparkline rings), a large table with churn, and the text and JSON written. Expectations by hand. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/show/ratefmt.h"
#include "loader/show/rates.h"
#include "obj_expect.h"

struct leaf_exp {
	const char *name;
	uint32_t offset, size;
	bool is_signed;
};

/* The leaves of map's value in rel, against want. */
static void check_leaves(const char *rel, const char *map, const struct leaf_exp *want, uint32_t n)
{
	struct lobj l;
	if (lopen(&l, rel))
		return;
	int i = obj_find_map(&l.o, map);
	CHECK(i >= 0, "%s: no map %s", rel, map);
	if (i >= 0) {
		const struct obj_map *m = &l.o.maps[i];
		struct show_leaf got[SHOW_LEAVES_MAX];
		uint32_t k = show_leaves_find(&l.o.btf, m->btf_value, m->value_size, got, SHOW_LEAVES_MAX);
		CHECK(k == n, "%s %s: %u leaves, want %u", rel, map, k, n);
		for (uint32_t j = 0; j < k && j < n; j++)
			CHECK(!strcmp(got[j].name, want[j].name) && got[j].offset == want[j].offset &&
				      got[j].size == want[j].size && got[j].is_signed == want[j].is_signed,
			      "%s %s leaf %u: %s@%u size %u %s, want %s@%u size %u %s", rel, map, j, got[j].name,
			      got[j].offset, got[j].size, got[j].is_signed ? "signed" : "unsigned", want[j].name,
			      want[j].offset, want[j].size, want[j].is_signed ? "signed" : "unsigned");
	}
	lclose(&l);
}

TEST(rates_leaves_from_btf)
{
	/* struct counters: packets u64 @0, bytes u64 @8, last_len u32 @16, delta s16 @20, ttl u8 @22,
	 * tag char[5] @23 (a string), ports u16[2] @28 (an array), pair {u8 a, u8 b} @32, color enum @36. */
	static const struct leaf_exp counters[] = {
		{"packets", 0, 8, false}, {"bytes", 8, 8, false}, {"last_len", 16, 4, false},
		{"delta", 20, 2, true},   {"ttl", 22, 1, false},  {"pair.a", 32, 1, false},
		{"pair.b", 33, 1, false},
	};
	static const struct leaf_exp small[] = {{"n", 0, 4, false}, {"len", 4, 4, false}};
	static const struct leaf_exp scalar[] = {{"", 0, 8, false}};
	/* struct ip_info: source_ip and dest_ip are addresses, protocol a protocol: only ttl counts. */
	static const struct leaf_exp ip_info[] = {{"ttl", 8, 1, false}};
	/* .rodata's DATASEC: ro_val (const volatile __u32) @0 and a format string (a char array). */
	static const struct leaf_exp rodata[] = {{"ro_val", 0, 4, false}};
	for (int eb = 0; eb < 2; eb++) {
		char p[96];
		snprintf(p, sizeof(p), "build/progs/show_maps.%s.o", eb ? "bpfeb" : "bpfel");
		check_leaves(p, "stats", counters, 7);
		check_leaves(p, "flows", counters, 7);
		check_leaves(p, "pc_flows", small, 2);
		check_leaves(p, "pc_count", scalar, 1);
		snprintf(p, sizeof(p), "build/progs/global_data.%s.o", eb ? "bpfeb" : "bpfel");
		check_leaves(p, "global_d.rodata", rodata, 1);
	}
	check_leaves("examples/show-ip.o", "ips", ip_info, 1);
	check_leaves("examples/counter.o", "pkt_count", scalar, 1);
	check_leaves("examples/execsnoop.o", "exec_count", scalar, 1);

	/* Without BTF: integers of 1, 2, 4 or 8 bytes, nothing else. */
	struct show_leaf l[SHOW_LEAVES_MAX];
	CHECK(show_leaves_find(NULL, 0, 8, l, SHOW_LEAVES_MAX) == 1 && l[0].size == 8 && !l[0].name[0], "8 bytes");
	CHECK(show_leaves_find(NULL, 0, 2, l, SHOW_LEAVES_MAX) == 1 && l[0].size == 2, "2 bytes");
	CHECK(show_leaves_find(NULL, 0, 12, l, SHOW_LEAVES_MAX) == 0, "12 bytes");
	CHECK(show_leaves_find(NULL, 0, 3, l, SHOW_LEAVES_MAX) == 0, "3 bytes");
	/* At most max. */
	struct lobj o;
	if (lopen(&o, "build/progs/show_maps.bpfel.o") == 0) {
		const struct obj_map *m = &o.o.maps[obj_find_map(&o.o, "stats")];
		CHECK(show_leaves_find(&o.o.btf, m->btf_value, m->value_size, l, 3) == 3 && !strcmp(l[2].name, "last_len"),
		      "max 3");
		/* A value too small for the type: only leaves inside it. */
		CHECK(show_leaves_find(&o.o.btf, m->btf_value, 20, l, SHOW_LEAVES_MAX) == 3, "20 bytes of struct counters");
		lclose(&o);
	}
}

TEST(rates_leaves_read_sums_cpus)
{
	const struct show_leaf leaves[] = {{.offset = 0, .size = 4}, {.offset = 4, .size = 2, .is_signed = true},
					   {.offset = 6, .size = 1}};
	uint8_t v[16] = {0};
	uint32_t a = 5, b = 7;
	int16_t x = -3, y = -4;
	memcpy(v, &a, 4);
	memcpy(v + 4, &x, 2);
	v[6] = 200;
	memcpy(v + 8, &b, 4);
	memcpy(v + 12, &y, 2);
	v[14] = 100;
	uint64_t out[3];
	show_leaves_read(leaves, 3, v, 2, 8, out);
	CHECK(out[0] == 12 && (int64_t)out[1] == -7 && out[2] == 300, "sums %llu %lld %llu",
	      (unsigned long long)out[0], (long long)out[1], (unsigned long long)out[2]);
	show_leaves_read(leaves, 3, v, 1, 8, out);
	CHECK(out[0] == 5 && (int64_t)out[1] == -3 && out[2] == 200, "one CPU");
}

static uint8_t gone_keys[64];
static uint32_t ngone;
static void on_gone(void *ctx, const uint8_t *key)
{
	(void)ctx;
	uint32_t k; /* key4's key, in the host's order */
	memcpy(&k, key, 4);
	if (ngone < sizeof(gone_keys))
		gone_keys[ngone] = (uint8_t)k;
	ngone++;
}

static const uint8_t *key4(uint32_t k)
{
	static uint8_t b[4][4];
	static int i;
	i = (i + 1) % 4;
	memcpy(b[i], &k, 4);
	return b[i];
}

TEST(rates_table_across_snapshots)
{
	struct show_rates *r = show_rates_new(4, 2, true);
	REQUIRE(r, "no table");
	struct show_rate e;
	float h[SHOW_SPARK_SAMPLES];

	show_rates_begin(r, 1000000000);
	show_rates_update(r, key4(1), (uint64_t[]){10, 100}, 0, &e);
	CHECK(e.state == RATE_FIRST, "k1: state %d", e.state);
	show_rates_update(r, key4(2), (uint64_t[]){1, 1}, 0, &e);
	CHECK(e.state == RATE_FIRST, "k2: state %d", e.state);
	ngone = 0;
	show_rates_end(r, true, on_gone, NULL);
	CHECK(ngone == 0, "first: %u gone", ngone);

	show_rates_begin(r, 2000000000);
	show_rates_update(r, key4(1), (uint64_t[]){15, 90}, 0, &e);
	CHECK(e.state == RATE_CHANGE && e.delta[0] == 5 && e.delta[1] == -10 && e.elapsed_ns == 1000000000,
	      "k1: state %d, deltas %lld %lld over %llu ns", e.state, (long long)e.delta[0], (long long)e.delta[1],
	      (unsigned long long)e.elapsed_ns);
	CHECK(show_rates_history(r, &e, 0, h) == 1 && h[0] == 5.0f, "k1 leaf 0 history");
	CHECK(show_rates_history(r, &e, 1, h) == 1 && isnan(h[0]), "k1 leaf 1 went down: NaN");
	show_rates_update(r, key4(3), (uint64_t[]){4, 4}, 0, &e);
	CHECK(e.state == RATE_NEW, "k3: state %d", e.state);
	CHECK(show_rates_history(r, &e, 0, h) == 0, "k3: no history yet");
	CHECK(show_rates_known(r, key4(2)), "k2 still known before the end");
	show_rates_end(r, true, on_gone, NULL);
	CHECK(ngone == 1 && gone_keys[0] == 2, "k2 gone: %u gone, first %u", ngone, gone_keys[0]);
	CHECK(!show_rates_known(r, key4(2)) && show_rates_known(r, key4(1)) && show_rates_known(r, key4(3)),
	      "k2 forgotten, k1 and k3 kept");

	show_rates_begin(r, 3500000000u);
	show_rates_update(r, key4(1), (uint64_t[]){15, 90}, 0, &e);
	CHECK(e.state == RATE_CHANGE && e.delta[0] == 0 && e.delta[1] == 0 && e.elapsed_ns == 1500000000,
	      "k1 unchanged over 1.5 s");
	CHECK(show_rates_history(r, &e, 0, h) == 2 && h[0] == 5.0f && h[1] == 0.0f, "k1 history 5, 0");
	ngone = 0;
	show_rates_end(r, false, on_gone, NULL); /* the snapshot was cut: k3 is not gone */
	CHECK(ngone == 0 && show_rates_known(r, key4(3)), "a cut snapshot forgets nothing");

	show_rates_begin(r, 4000000000u);
	show_rates_update(r, key4(3), (uint64_t[]){10, 3}, 0, &e);
	CHECK(e.state == RATE_CHANGE && e.delta[0] == 6 && e.delta[1] == -1 && e.elapsed_ns == 2000000000,
	      "k3 over the 2 s since it was last read: %lld %lld over %llu", (long long)e.delta[0],
	      (long long)e.delta[1], (unsigned long long)e.elapsed_ns);
	CHECK(show_rates_history(r, &e, 0, h) == 1 && h[0] == 3.0f, "k3's rate: 6 in 2 s");
	show_rates_update(r, key4(3), (uint64_t[]){11, 3}, 0, &e);
	CHECK(e.state == RATE_UNTRACKED, "k3 twice in one snapshot: state %d", e.state);
	show_rates_end(r, true, on_gone, NULL);
	CHECK(ngone == 1 && gone_keys[0] == 1, "k1 gone");
	/* Wrapping: an unsigned counter that went round, a signed value: deltas are the difference. */
	show_rates_begin(r, 5000000000u);
	show_rates_update(r, key4(3), (uint64_t[]){UINT64_MAX, (uint64_t)-5}, 0, &e);
	CHECK(e.delta[0] == (int64_t)(UINT64_MAX - 10) && e.delta[1] == -8, "wrapping deltas %lld %lld",
	      (long long)e.delta[0], (long long)e.delta[1]);
	show_rates_end(r, true, NULL, NULL);
	show_rates_free(r);
}

TEST(rates_array_slots)
{
	struct show_rates *r = show_rates_new(4, 1, false);
	REQUIRE(r, "no table");
	struct show_rate e;
	show_rates_begin(r, 1000);
	show_rates_update(r, key4(0), (uint64_t[]){3}, RATE_ARRAY_SLOT, &e);
	CHECK(e.state == RATE_FIRST, "slot 0 first");
	show_rates_end(r, true, NULL, NULL);

	/* A slot that was zero (not shown) counts from zero; a slot back to zero shows its drop. */
	show_rates_begin(r, 3000);
	show_rates_update(r, key4(1), (uint64_t[]){4}, RATE_ARRAY_SLOT, &e);
	CHECK(e.state == RATE_CHANGE && e.delta[0] == 4 && e.elapsed_ns == 2000, "slot 1 from zero: %d %lld %llu",
	      e.state, (long long)e.delta[0], (unsigned long long)e.elapsed_ns);
	CHECK(show_rates_known(r, key4(0)), "slot 0 known");
	show_rates_update(r, key4(0), (uint64_t[]){0}, RATE_ARRAY_SLOT | RATE_FORGET, &e);
	CHECK(e.state == RATE_CHANGE && e.delta[0] == -3, "slot 0 dropped to zero: %lld", (long long)e.delta[0]);
	show_rates_end(r, false, NULL, NULL); /* forgotten even from a cut snapshot */
	CHECK(!show_rates_known(r, key4(0)) && show_rates_known(r, key4(1)), "slot 0 forgotten");
	/* After a cut snapshot an unknown slot may have held anything: new. */
	show_rates_begin(r, 4000);
	show_rates_update(r, key4(0), (uint64_t[]){2}, RATE_ARRAY_SLOT, &e);
	CHECK(e.state == RATE_NEW, "slot 0 after a cut snapshot: state %d", e.state);
	show_rates_update(r, key4(7), (uint64_t[]){0}, RATE_ARRAY_SLOT | RATE_FORGET, &e);
	CHECK(e.state == RATE_UNTRACKED && !show_rates_known(r, key4(7)), "an unknown slot to forget stays unknown");
	show_rates_end(r, true, NULL, NULL);
	show_rates_begin(r, 5000);
	show_rates_update(r, key4(5), (uint64_t[]){9}, RATE_ARRAY_SLOT, &e);
	CHECK(e.state == RATE_CHANGE && e.delta[0] == 9 && e.elapsed_ns == 1000, "slot 5 from zero");
	show_rates_end(r, true, NULL, NULL);
	show_rates_free(r);
}

TEST(rates_caps_and_history)
{
	struct show_rates *r = show_rates_new(4, 1, true);
	REQUIRE(r, "no table");
	show_rates_set_caps(r, 3, 2);
	struct show_rate e;
	float h[SHOW_SPARK_SAMPLES];
	show_rates_begin(r, 0);
	for (uint32_t k = 0; k < 5; k++) {
		show_rates_update(r, key4(k), (uint64_t[]){k}, 0, &e);
		CHECK(e.state == (k < 3 ? RATE_FIRST : RATE_UNTRACKED), "key %u: state %d", k, e.state);
	}
	show_rates_end(r, true, NULL, NULL);
	struct show_rates_caps c = show_rates_caps(r);
	CHECK(c.max_keys == 3 && c.max_hist == 2 && c.keys_refused && c.hist_refused, "caps %u %u %d %d", c.max_keys,
	      c.max_hist, c.keys_refused, c.hist_refused);
	/* 20 snapshots: key k grows by k+i at snapshot i; the ring keeps the last 16 rates. */
	for (uint32_t i = 1; i <= 20; i++) {
		show_rates_begin(r, (uint64_t)i * 1000000000);
		for (uint32_t k = 0; k < 3; k++) {
			static uint64_t v[3] = {0, 1, 2};
			v[k] += k + i;
			show_rates_update(r, key4(k), &v[k], 0, &e);
			uint32_t n = show_rates_history(r, &e, 0, h);
			if (k == 2) {
				CHECK(n == 0, "key 2 has no history (cap 2)");
				continue;
			}
			CHECK(n == (i < 16 ? i : 16), "key %u snapshot %u: %u samples", k, i, n);
			bool ok = true;
			for (uint32_t s = 0; s < n; s++)
				ok &= h[s] == (float)(k + i - n + 1 + s);
			CHECK(ok, "key %u snapshot %u: samples oldest first", k, i);
		}
		show_rates_end(r, true, NULL, NULL);
	}
	/* Key 0 gone: key 1 moves to the first entry with its history, key 2 gets room for one. */
	show_rates_begin(r, 21000000000ull);
	uint64_t v1 = 1000, v2 = 2000;
	show_rates_update(r, key4(1), &v1, 0, &e);
	show_rates_update(r, key4(2), &v2, 0, &e);
	show_rates_end(r, true, NULL, NULL);
	show_rates_begin(r, 22000000000ull);
	v1 += 5;
	v2 += 6;
	show_rates_update(r, key4(1), &v1, 0, &e);
	uint32_t n = show_rates_history(r, &e, 0, h);
	CHECK(n == 16 && h[15] == 5.0f, "key 1 kept its history through the move: %u samples, last %g", n,
	      n ? (double)h[n - 1] : -1.0);
	show_rates_update(r, key4(2), &v2, 0, &e);
	n = show_rates_history(r, &e, 0, h);
	CHECK(n == 1 && h[0] == 6.0f, "key 2 has a history now: %u samples", n);
	show_rates_end(r, true, NULL, NULL);
	show_rates_free(r);
}

/* Many keys and churn: every update and the end of a snapshot stay linear (a quadratic pass would
 * take minutes here). */
TEST(rates_many_keys)
{
	const char *scale = getenv("RAWLOAD_ROBUST_SCALE");
	uint32_t n = 200000 * (uint32_t)(scale ? atoi(scale) : 100) / 100;
	struct show_rates *r = show_rates_new(4, 1, true);
	REQUIRE(r, "no table");
	struct show_rate e;
	uint64_t v;
	for (uint32_t round = 0; round < 4; round++) {
		show_rates_begin(r, (uint64_t)(round + 1) * 1000000000);
		uint32_t changed = 0, fresh = 0;
		for (uint32_t k = 0; k < n; k++) {
			if (round % 2 && k % 2)
				continue; /* odd keys are missing from odd rounds */
			v = (uint64_t)k + round;
			show_rates_update(r, key4(k), &v, 0, &e);
			changed += e.state == RATE_CHANGE && e.delta[0] == 1;
			fresh += e.state == RATE_NEW;
		}
		ngone = 0;
		show_rates_end(r, true, on_gone, NULL);
		if (round == 1)
			CHECK(changed == n / 2 && ngone == n / 2, "round 1: %u changed, %u gone", changed, ngone);
		if (round == 2)
			CHECK(changed == n / 2 && fresh == n / 2 && ngone == 0, "round 2: %u changed, %u new", changed, fresh);
	}
	CHECK(show_rates_caps(r).hist_refused && !show_rates_caps(r).keys_refused, "history capped, keys not");
	show_rates_free(r);
}

static const char *text_of(void (*f)(struct strbuf *, double), double v)
{
	static struct strbuf sb;
	sb_reset(&sb);
	f(&sb, v);
	return sb.buf ? sb.buf : "";
}

TEST(rates_numbers_and_sparklines)
{
	static const struct {
		double v;
		const char *want;
	} nums[] = {
		{0, "0"},         {0.5, "0.50"},    {7, "7.00"},       {9.996, "10.0"},  {56, "56.0"},
		{99.96, "100"},   {420, "420"},     {999.4, "999"},    {999.6, "1.00k"}, {1234, "1.23k"},
		{45.6e6, "45.6M"}, {2.5e9, "2.50G"}, {-1500, "-1.50k"}, {NAN, "?"},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		CHECK(!strcmp(text_of(show_rate_number, nums[i].v), nums[i].want), "%g: '%s', want '%s'", nums[i].v,
		      text_of(show_rate_number, nums[i].v), nums[i].want);

	struct strbuf sb = {0};
	show_sparkline(&sb, (const float[]){0, 1, 7, NAN, 3.5f, 0.01f}, 6);
	CHECK(sb.buf && !strcmp(sb.buf, "▁▃█↓▅▂"), "sparkline '%s'", sb.buf ? sb.buf : "");
	sb_reset(&sb);
	show_sparkline(&sb, (const float[]){0, 0, 0}, 3);
	CHECK(sb.buf && !strcmp(sb.buf, "▁▁▁"), "all zero '%s'", sb.buf ? sb.buf : "");
	sb_reset(&sb);
	show_sparkline(&sb, NULL, 0);
	CHECK(sb.len == 0, "empty");
	sb_free(&sb);
}

static const char *rate_text(const struct show_rates *r, const struct show_leaf *l, uint32_t n,
			     const struct show_rate *e, bool spark)
{
	static struct strbuf sb;
	sb_reset(&sb);
	show_rate_text(&sb, r, l, n, e, spark);
	return sb.buf ? sb.buf : "";
}

static const char *rate_json(const struct show_leaf *l, uint32_t n, const struct show_rate *e)
{
	static struct strbuf sb;
	sb_reset(&sb);
	show_rate_json(&sb, l, n, e);
	return sb.buf ? sb.buf : "";
}

TEST(rates_text_and_json)
{
	const struct show_leaf one[] = {{.size = 8}};
	const struct show_leaf three[] = {{.size = 8, .name = "packets"}, {.offset = 8, .size = 8, .name = "bytes"},
					  {.offset = 16, .size = 1, .name = "ttl"}};
	struct show_rate e = {.state = RATE_CHANGE, .elapsed_ns = 1000000000, .delta = {56}};
	CHECK(!strcmp(rate_text(NULL, one, 1, &e, false), "  (+56, 56.0/s)"), "'%s'", rate_text(NULL, one, 1, &e, false));
	CHECK(!strcmp(rate_json(one, 1, &e), ",\"delta\":56,\"rate\":56.000"), "'%s'", rate_json(one, 1, &e));
	e.delta[0] = 0;
	CHECK(!strcmp(rate_text(NULL, one, 1, &e, false), "  (+0)"), "'%s'", rate_text(NULL, one, 1, &e, false));
	e.delta[0] = -1234;
	CHECK(!strcmp(rate_text(NULL, one, 1, &e, false), "  (-1234)"), "'%s'", rate_text(NULL, one, 1, &e, false));
	CHECK(!strcmp(rate_json(one, 1, &e), ",\"delta\":-1234,\"rate\":null"), "'%s'", rate_json(one, 1, &e));
	e.state = RATE_NEW;
	CHECK(!strcmp(rate_text(NULL, one, 1, &e, false), "  (new)") && !*rate_json(one, 1, &e), "new");
	e.state = RATE_FIRST;
	CHECK(!*rate_text(NULL, one, 1, &e, false) && !*rate_json(one, 1, &e), "first: nothing");
	e.state = RATE_UNTRACKED;
	CHECK(!*rate_text(NULL, one, 1, &e, false) && !*rate_json(one, 1, &e), "untracked: nothing");

	/* A struct: the members that changed, over 2 s. */
	e = (struct show_rate){.state = RATE_CHANGE, .elapsed_ns = 2000000000, .delta = {7, 420, 0}};
	CHECK(!strcmp(rate_text(NULL, three, 3, &e, false), "  (packets +7 3.50/s, bytes +420 210/s)"), "'%s'",
	      rate_text(NULL, three, 3, &e, false));
	CHECK(!strcmp(rate_json(three, 3, &e), ",\"delta\":{\"packets\":7,\"bytes\":420,\"ttl\":0},"
					       "\"rate\":{\"packets\":3.500,\"bytes\":210.000,\"ttl\":0.000}"),
	      "'%s'", rate_json(three, 3, &e));
	e.delta[2] = -31;
	CHECK(!strcmp(rate_text(NULL, three, 3, &e, false), "  (packets +7 3.50/s, bytes +420 210/s, ttl -31)"), "'%s'",
	      rate_text(NULL, three, 3, &e, false));
	CHECK(strstr(rate_json(three, 3, &e), "\"ttl\":-31}") && strstr(rate_json(three, 3, &e), "\"ttl\":null}"), "'%s'",
	      rate_json(three, 3, &e));
	memset(e.delta, 0, sizeof(e.delta));
	CHECK(!*rate_text(NULL, three, 3, &e, false), "nothing changed: nothing said");

	/* Sparklines, from a real table: a scalar, and struct members listed while their bars show. */
	struct show_rates *r = show_rates_new(4, 3, true);
	REQUIRE(r, "no table");
	uint64_t v[3] = {0, 0, 64};
	static const uint64_t steps[][3] = {{0, 0, 0}, {10, 600, 0}, {20, 1200, 0}, {0, 0, 0}, {5, 300, 0}};
	for (uint32_t i = 0; i < 5; i++) {
		for (int k = 0; k < 3; k++)
			v[k] += steps[i][k];
		show_rates_begin(r, (uint64_t)i * 1000000000);
		show_rates_update(r, key4(1), v, 0, &e);
		show_rates_end(r, true, NULL, NULL);
	}
	CHECK(!strcmp(rate_text(r, three, 3, &e, true), "  (packets +5 5.00/s ▅█▁▃, bytes +300 300/s ▅█▁▃)"), "'%s'",
	      rate_text(r, three, 3, &e, true));
	CHECK(!strcmp(rate_text(r, three, 3, &e, false), "  (packets +5 5.00/s, bytes +300 300/s)"), "'%s'",
	      rate_text(r, three, 3, &e, false));
	show_rates_begin(r, 5000000000u);
	show_rates_update(r, key4(1), v, 0, &e);
	CHECK(!strcmp(rate_text(r, three, 3, &e, true), "  (packets +0 ▅█▁▃▁, bytes +0 ▅█▁▃▁)"), "'%s'",
	      rate_text(r, three, 3, &e, true));
	CHECK(!*rate_text(r, three, 3, &e, false), "no change in the last interval, no sparklines: nothing");
	show_rates_end(r, true, NULL, NULL);
	show_rates_free(r);

	r = show_rates_new(4, 1, true);
	REQUIRE(r, "no table");
	static const uint64_t vals[] = {100, 130, 190, 190, 40};
	for (uint32_t i = 0; i < 5; i++) {
		show_rates_begin(r, (uint64_t)i * 500000000);
		show_rates_update(r, key4(9), &vals[i], 0, &e);
		show_rates_end(r, true, NULL, NULL);
	}
	CHECK(!strcmp(rate_text(r, one, 1, &e, true), "  (-150) ▅█▁↓"), "'%s'", rate_text(r, one, 1, &e, true));
	show_rates_free(r);
}
