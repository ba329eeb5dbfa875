/* loader/show/rates.h — what the display remembers of one map between snapshots, so that each
 * numeric value is shown with its change: the value type's numeric leaves (an integer value, or the
 * integer members of a struct, found once from the BTF), and per key, indexed by the key's bytes in
 * a hash table, the leaves' values at the key's last snapshot and, for sparklines, the rates of its
 * last SHOW_SPARK_SAMPLES intervals. Pure: no clock and no I/O (the caller gives the times),
 * bounded in keys and bytes, linear per snapshot. How changes are written is ratefmt.c's. */
#ifndef RAWLOAD_SHOW_RATES_H
#define RAWLOAD_SHOW_RATES_H

#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"

enum {
	SHOW_LEAVES_MAX = 32,        /* numeric leaves followed per value (the first ones in layout order) */
	SHOW_LEAF_DEPTH = 4,         /* struct nesting followed */
	SHOW_SPARK_SAMPLES = 16,     /* intervals one sparkline shows */
	SHOW_RATE_KEYS = 1 << 20,    /* keys followed per map, at most ... */
	SHOW_RATE_BYTES = 16 << 20,  /* ... and at most this much memory for them (keys, values, index) */
	SHOW_HIST_KEYS = 4096,       /* keys with a sparkline history per map, at most ... */
	SHOW_HIST_BYTES = 2 << 20,   /* ... and at most this much memory for their histories */
};

/* One numeric leaf of a value. */
struct show_leaf {
	uint32_t offset;             /* bytes into the value */
	uint8_t size;                /* 1, 2, 4 or 8 */
	bool is_signed;
	char name[40];               /* "" for an integer value; "packets", "pair.a" in a struct */
};

/* The numeric leaves of a value of type_id in b (value_size bytes), in layout order, at most max:
 * integers render_value shows as plain numbers, found through typedefs and modifiers, in struct
 * members (nested structs too, to SHOW_LEAF_DEPTH; not bit-fields, unions, arrays or enums) and
 * in the variables of a DATASEC (global data). Without BTF (b NULL or type_id 0) a value of 1, 2,
 * 4 or 8 bytes is one unsigned leaf. Returns the number found (0: nothing numeric). */
uint32_t show_leaves_find(const struct btf_spec *b, uint32_t type_id, uint32_t value_size, struct show_leaf *out,
			  uint32_t max);

/* The leaves' values in value (host byte order), each summed over ncpus copies stride bytes apart
 * (per-CPU maps; ncpus 1 otherwise). Signed leaves are sign-extended before the sum. */
void show_leaves_read(const struct show_leaf *leaves, uint32_t n, const uint8_t *value, uint32_t ncpus,
		      uint32_t stride, uint64_t *out);

/* What the table says about one entry of the snapshot. */
enum show_rate_state {
	RATE_FIRST,       /* the map's first snapshot: nothing to compare with */
	RATE_NEW,         /* a key not seen at the previous snapshot */
	RATE_CHANGE,      /* deltas over elapsed_ns */
	RATE_UNTRACKED,   /* not followed: over the caps, or seen twice in one snapshot */
};

struct show_rate {
	enum show_rate_state state;
	uint64_t elapsed_ns;         /* RATE_CHANGE: since this key's previous values */
	int64_t delta[SHOW_LEAVES_MAX]; /* RATE_CHANGE: per leaf, now minus then (wrapping, signed) */
	uint32_t entry;              /* for show_rates_history until show_rates_end */
};

/* How show_rates_update treats a key. */
enum {
	RATE_ARRAY_SLOT = 1,         /* an array slot: unknown means it held zeros at a previous snapshot
	                              * that read the whole map (its change is counted from zero) */
	RATE_FORGET = 2,             /* compute the change, then forget the key at show_rates_end (an
	                              * array slot back to zero: shown once with its drop) */
};

struct show_rates;

/* A table for keys of key_size bytes and values of nleaves leaves (1..SHOW_LEAVES_MAX); history
 * keeps sparkline samples. NULL when out of memory. */
struct show_rates *show_rates_new(uint32_t key_size, uint32_t nleaves, bool history);
void show_rates_free(struct show_rates *r);

/* A snapshot begins at now_ns (a monotonic clock, nanoseconds). */
void show_rates_begin(struct show_rates *r, uint64_t now_ns);
/* One entry of the snapshot: vals (nleaves) compared with the key's previous ones, then kept. */
void show_rates_update(struct show_rates *r, const uint8_t *key, const uint64_t *vals, unsigned flags,
		       struct show_rate *out);
/* Is key followed (seen at an earlier snapshot)? */
bool show_rates_known(const struct show_rates *r, const uint8_t *key);
/* The sparkline samples of leaf for the entry update just described, oldest first: rates per
 * second, NaN for an interval in which the value went down. Returns how many (0..SHOW_SPARK_SAMPLES). */
uint32_t show_rates_history(const struct show_rates *r, const struct show_rate *e, uint32_t leaf,
			    float out[SHOW_SPARK_SAMPLES]);
/* The snapshot ends. complete: every entry of the map was read, so a key not seen is gone: gone
 * (when not NULL) is called with it and the key forgotten. Otherwise keys not seen are kept. */
void show_rates_end(struct show_rates *r, bool complete, void (*gone)(void *ctx, const uint8_t *key), void *ctx);

/* The caps: how many keys are followed and how many have a history at most; whether a key was
 * left out for the first (history: for the second) since the table was made. */
struct show_rates_caps {
	uint32_t max_keys, max_hist;
	bool keys_refused, hist_refused;
};
struct show_rates_caps show_rates_caps(const struct show_rates *r);
/* Lower caps than the byte budgets give (tests; a small system): before the first update. */
void show_rates_set_caps(struct show_rates *r, uint32_t max_keys, uint32_t max_hist);

#endif
