/* loader/show/ratefmt.h — the display's changes written out (ratefmt.c): rates as short numbers,
 * sparklines, the suffix of a text line and the members of a JSON entry. Pure: appends to a strbuf. */
#ifndef RAWLOAD_SHOW_RATEFMT_H
#define RAWLOAD_SHOW_RATEFMT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "loader/show/rates.h"

/* v with three significant digits and an SI prefix: "0", "0.50", "7.00", "56.0", "420", "1.23k",
 * "45.6M"; "?" for NaN. */
void show_rate_number(struct strbuf *out, double v);

/* One character per sample, oldest first: "▁" for 0, "▂".."█" for rates above 0 scaled to the
 * largest of them (so "▁" always means nothing happened), "↓" for NaN (the value went down). */
void show_sparkline(struct strbuf *out, const float *rates, uint32_t n);

/* The text after an entry's value: "  (new)", "  (+56, 56.0/s)", "  (+0)", "  (-1234)", or for a
 * struct "  (packets +7 7.00/s, bytes +420 420/s)" listing the members that changed (nothing when
 * none did); with spark, each followed by its sparkline (a struct member then stays listed while
 * its sparkline shows a change). Nothing at the first snapshot or for an untracked key. */
void show_rate_text(struct strbuf *out, const struct show_rates *r, const struct show_leaf *leaves, uint32_t n,
		    const struct show_rate *e, bool spark);

/* JSON members after an entry's "value", when e has a change: ,"delta":D,"rate":R for an integer
 * value, ,"delta":{"packets":D,...},"rate":{"packets":R,...} over every leaf of a struct; a rate
 * is per second with three decimals, null where the value went down. */
void show_rate_json(struct strbuf *out, const struct show_leaf *leaves, uint32_t n, const struct show_rate *e);

#endif
