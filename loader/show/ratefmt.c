/* loader/show/ratefmt.c — how the display writes what changed (rates.h remembers it). After a text
 * line: "(+56, 56.0/s)" for an integer value, "(packets +7 7.00/s, bytes +420 420/s)" for the
 * members of a struct that changed, the signed drop alone for a value that went down ("(-1234)":
 * an overwritten value or a cleared map has no rate), "(new)" for a key that appeared; on a
 * terminal, a sparkline of each one's recent rates. In JSON, "delta" and "rate" members. Pure.
 * Doesn't own the rendering of values (btf/render.c) or entries (map.c). */
#include <math.h>

#include "loader/show/ratefmt.h"

void show_rate_number(struct strbuf *out, double v)
{
	static const char units[] = "kMGTPE";
	if (v == 0 || isnan(v)) {
		sb_puts(out, isnan(v) ? "?" : "0");
		return;
	}
	double a = fabs(v);
	int unit = -1;
	while (a >= 999.5 && unit < 5) {
		a /= 1000;
		unit++;
	}
	int decimals = a < 9.995 ? 2 : a < 99.95 ? 1 : 0;
	sb_printf(out, "%s%.*f", v < 0 ? "-" : "", decimals, a);
	if (unit >= 0)
		sb_putc(out, units[unit]);
}

void show_sparkline(struct strbuf *out, const float *rates, uint32_t n)
{
	static const char *const bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	float max = 0;
	for (uint32_t i = 0; i < n; i++)
		if (rates[i] > max)
			max = rates[i];
	for (uint32_t i = 0; i < n; i++) {
		if (isnan(rates[i])) {
			sb_puts(out, "↓");
			continue;
		}
		int level = 0;
		if (rates[i] > 0) {
			level = 1 + (int)((double)rates[i] * 7 / max);
			if (level > 7)
				level = 7;
		}
		sb_puts(out, bars[level]);
	}
}

/* "+56, 56.0/s" (sep ", ") or "+56 56.0/s" (sep " "); "+0"; "-1234". */
static void change(struct strbuf *out, int64_t d, uint64_t elapsed_ns, const char *sep)
{
	if (d <= 0) {
		sb_printf(out, d ? "%lld" : "+0", (long long)d);
		return;
	}
	sb_printf(out, "+%lld", (long long)d);
	if (!elapsed_ns)
		return;
	sb_puts(out, sep);
	show_rate_number(out, (double)d * 1e9 / (double)elapsed_ns);
	sb_puts(out, "/s");
}

static bool scalar(const struct show_leaf *leaves, uint32_t n)
{
	return n == 1 && !leaves[0].name[0];
}

void show_rate_text(struct strbuf *out, const struct show_rates *r, const struct show_leaf *leaves, uint32_t n,
		    const struct show_rate *e, bool spark)
{
	float h[SHOW_SPARK_SAMPLES];
	if (e->state == RATE_NEW)
		sb_puts(out, "  (new)");
	if (e->state != RATE_CHANGE)
		return;
	if (scalar(leaves, n)) {
		sb_puts(out, "  (");
		change(out, e->delta[0], e->elapsed_ns, ", ");
		sb_putc(out, ')');
		uint32_t hn = spark ? show_rates_history(r, e, 0, h) : 0;
		if (hn) {
			sb_putc(out, ' ');
			show_sparkline(out, h, hn);
		}
		return;
	}
	/* A struct: the members that changed; on a terminal also those whose sparkline still shows a
	 * change, so a burst stays in view as long as its bars do. */
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t hn = spark ? show_rates_history(r, e, i, h) : 0;
		bool moved = e->delta[i] != 0;
		for (uint32_t k = 0; k < hn && !moved; k++)
			moved = h[k] != 0; /* a rate, or NaN: the value went down */
		if (!moved)
			continue;
		sb_puts(out, any ? ", " : "  (");
		any = true;
		sb_puts(out, leaves[i].name);
		sb_putc(out, ' ');
		change(out, e->delta[i], e->elapsed_ns, " ");
		if (hn) {
			sb_putc(out, ' ');
			show_sparkline(out, h, hn);
		}
	}
	if (any)
		sb_putc(out, ')');
}

static void json_rate(struct strbuf *out, int64_t d, uint64_t elapsed_ns)
{
	if (d < 0 || !elapsed_ns)
		sb_puts(out, "null");
	else
		sb_printf(out, "%.3f", (double)d * 1e9 / (double)elapsed_ns);
}

void show_rate_json(struct strbuf *out, const struct show_leaf *leaves, uint32_t n, const struct show_rate *e)
{
	if (e->state != RATE_CHANGE)
		return;
	if (scalar(leaves, n)) {
		sb_printf(out, ",\"delta\":%lld,\"rate\":", (long long)e->delta[0]);
		json_rate(out, e->delta[0], e->elapsed_ns);
		return;
	}
	sb_puts(out, ",\"delta\":{");
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			sb_putc(out, ',');
		sb_json_str(out, leaves[i].name);
		sb_printf(out, ":%lld", (long long)e->delta[i]);
	}
	sb_puts(out, "},\"rate\":{");
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			sb_putc(out, ',');
		sb_json_str(out, leaves[i].name);
		sb_putc(out, ':');
		json_rate(out, e->delta[i], e->elapsed_ns);
	}
	sb_putc(out, '}');
}
