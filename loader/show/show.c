/* loader/show/show.c — the display loop (see show.h): one epoll over every ring buffer, perf buffer and
 * trace_pipe, woken for records as they arrive and at each snapshot time, when maps are rendered
 * and iterators read. Signals the caller blocked are let in while waiting (epoll_pwait) and while
 * working (rendering, reading), never between looking at the stop flag and waiting, so a stop
 * request is never missed and cuts a long snapshot short: every value has a rendering budget that
 * looks at the flag, every loop over entries, records and maps too. */
#include "loader/show/show.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "bpf/perf.h"
#include "bpf/ringbuf.h"
#include "btf/render.h"
#include "loader/show/trace.h"

/* An iterator walking something huge is cut at ITER_MAX bytes per snapshot; a snapshot's text at
 * SNAPSHOT_MAX; trace_pipe is read at most TRACE_READS times per wake-up; records that arrived
 * before a stop are still shown for at most FINAL_DRAIN_MS. Records are written out FLUSH_MS after
 * the first of them was rendered, or as soon as FLUSH_AT bytes have piled up: one write per burst
 * rather than one per record (a perf buffer wakes the reader for every sample), and no record waits
 * longer than a person would notice. */
enum { PERF_PAGES = 8, TRACE_BUF = 8192, ITER_MAX = 16 << 20, SNAPSHOT_MAX = 16 << 20, TRACE_READS = 256,
       FINAL_DRAIN_MS = 250, FLUSH_AT = 64 << 10, FLUSH_MS = 10 };

enum source_kind { SRC_RINGBUF, SRC_PERF, SRC_TRACE };

struct source {
	enum source_kind kind;
	uint32_t map;                   /* index into views */
	struct rb rb;
	struct perf_buf pb;
};

struct show {
	const struct show_map_view *views;
	uint32_t nviews;
	const struct show_iter *iters;
	uint32_t niters;
	const struct show_opts *opts;
	struct strbuf out;
	struct source *src;
	uint32_t nsrc;
	int epoll_fd;
	int trace_fd;
	char *trace_buf;                /* TRACE_BUF bytes while following trace_pipe (heap: a
	                                 * small system's stack is not for buffers) */
	size_t trace_len;
	struct show_map_state **states; /* per view */
	struct strbuf iter;             /* one iterator's output, while it is read */
	volatile sig_atomic_t *stop;    /* the caller's stop flag */
	const volatile sig_atomic_t *render_stop; /* what budgets look at: stop, NULL in the final drain */
	int64_t deadline;               /* the final drain ends then (0: not draining) */
};

static int64_t now_ms(void);

/* Should a loop over records or entries end now? */
static bool stopping(const struct show *s)
{
	if (s->deadline)
		return now_ms() > s->deadline;
	return *s->stop != 0;
}

static void flush(struct show *s)
{
	if (s->out.len)
		s->opts->emit(s->opts->emit_ctx, s->out.buf, s->out.len);
	sb_reset(&s->out);
}

static void timestamp(struct strbuf *out, bool json)
{
	/* Every JSON record carries one: the local time is worked out once a second, not per record. */
	static time_t last = -1;
	static struct tm tm;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last) {
		localtime_r(&ts.tv_sec, &tm);
		last = ts.tv_sec;
	}
	if (json)
		sb_printf(out, "\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ld\"", tm.tm_year + 1900, tm.tm_mon + 1,
			  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	else
		sb_printf(out, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A record from a ring buffer or perf buffer, rendered with the value type the map declared. */
static void record(struct show *s, uint32_t map, const void *data, uint32_t len)
{
	const struct show_map_view *m = &s->views[map];
	bool json = s->opts->json;
	if (json) {
		sb_putc(&s->out, '{');
		timestamp(&s->out, true);
		sb_puts(&s->out, ",\"map\":");
		sb_json_str(&s->out, m->name);
		sb_puts(&s->out, ",\"record\":");
	} else {
		sb_puts(&s->out, m->name);
		sb_puts(&s->out, ": ");
	}
	struct render_budget bg = render_budget_default(s->render_stop);
	if (m->btf && m->btf_value)
		render_value_budget(&s->out, m->btf, m->btf_value, data, len, "", json ? RENDER_JSON : RENDER_TEXT, &bg);
	else
		render_raw(&s->out, data, len, json ? RENDER_JSON : RENDER_TEXT);
	sb_puts(&s->out, json ? "}\n" : "\n");
}

struct rec_ctx {
	struct show *s;
	uint32_t map;
};

static int on_ringbuf(void *ctx, const void *data, uint32_t len)
{
	struct rec_ctx *c = ctx;
	record(c->s, c->map, data, len);
	return stopping(c->s); /* the rest waits for the next wake-up, or is dropped at exit */
}

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	(void)cpu;
	struct rec_ctx *c = ctx;
	/* Perf samples are padded to 8 bytes; the declared type says how much is ours. */
	const struct show_map_view *m = &c->s->views[c->map];
	if (m->btf && m->btf_value && m->value_size && m->value_size <= size)
		size = m->value_size;
	record(c->s, c->map, data, size);
	return stopping(c->s);
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct rec_ctx *c = ctx;
	const char *name = c->s->views[c->map].name;
	if (c->s->opts->json) {
		sb_printf(&c->s->out, "{\"map\":");
		sb_json_str(&c->s->out, name);
		sb_printf(&c->s->out, ",\"cpu\":%d,\"lost\":%llu}\n", cpu, (unsigned long long)lost);
	} else {
		sb_printf(&c->s->out, "%s: lost %llu samples on cpu %d\n", name, (unsigned long long)lost, cpu);
	}
}

/* trace_pipe: pass complete lines through. */
static void read_trace(struct show *s)
{
	for (int reads = 0; reads < TRACE_READS && !stopping(s); reads++) {
		ssize_t n = read(s->trace_fd, s->trace_buf + s->trace_len, TRACE_BUF - 1 - s->trace_len);
		if (n <= 0)
			return;
		s->trace_len += (size_t)n;
		show_trace_lines(&s->out, s->trace_buf, &s->trace_len, TRACE_BUF, s->opts->json);
	}
}

/* An iterator's output at this snapshot: a fresh fd from its link, read to the end (the kernel runs
 * the program as we read), shown as "prog: line" lines or one JSON object. */
static void show_iter(struct show *s, const char *name, int link_fd)
{
	bool json = s->opts->json, cut = false;
	int fd = sys_iter_create(link_fd), err = fd < 0 ? fd : 0;
	sb_reset(&s->iter);
	while (!err) {
		if (s->iter.len >= ITER_MAX) {
			cut = true;
			break;
		}
		if (stopping(s)) {
			err = -EINTR;
			break;
		}
		if (!sb_reserve(&s->iter, 65536)) {
			err = -ENOMEM;
			break;
		}
		ssize_t n = read(fd, s->iter.buf + s->iter.len, 65536);
		if (n == 0)
			break;
		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			s->iter.len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	narrate(s->opts->say, "show: iterator '%s': %zu bytes%s%s", name, s->iter.len, err ? ", then " : "",
		err ? sys_errno_name(err) : "");
	if (json) {
		sb_putc(&s->out, '{');
		timestamp(&s->out, true);
		sb_puts(&s->out, ",\"iter\":");
		sb_json_str(&s->out, name);
		sb_puts(&s->out, ",\"text\":");
		sb_json_strn(&s->out, s->iter.buf ? s->iter.buf : "", s->iter.len);
		if (cut)
			sb_printf(&s->out, ",\"cut_at\":%d", ITER_MAX);
		if (err)
			sb_printf(&s->out, ",\"error\":\"%s\"", sys_errno_name(err));
		sb_puts(&s->out, "}\n");
		return;
	}
	for (size_t at = 0; at < s->iter.len;) {
		const char *line = s->iter.buf + at, *nl = memchr(line, '\n', s->iter.len - at);
		size_t len = nl ? (size_t)(nl - line) : s->iter.len - at;
		sb_printf(&s->out, "%s: %.*s\n", name, (int)len, line);
		at += len + 1;
	}
	if (cut)
		sb_printf(&s->out, "%s: (cut at %d bytes)\n", name, ITER_MAX);
	if (err)
		sb_printf(&s->out, "%s: cannot read: %s\n", name, sys_errno_name(err));
}

static void snapshot(struct show *s)
{
	bool json = s->opts->json, any = false;
	if (json) {
		sb_putc(&s->out, '{');
		timestamp(&s->out, true);
		sb_puts(&s->out, ",\"maps\":{");
	} else {
		sb_puts(&s->out, "-- ");
		timestamp(&s->out, false);
		sb_putc(&s->out, '\n');
	}
	bool cut = false;
	for (uint32_t i = 0; i < s->nviews && !stopping(s); i++) {
		const struct show_map_view *v = &s->views[i];
		if (show_map_is_stream(v->type))
			continue;
		if (s->out.len >= SNAPSHOT_MAX) {
			cut = true;
			break;
		}
		if (json) {
			sb_puts(&s->out, any ? "," : "");
			sb_json_str(&s->out, v->name);
			sb_putc(&s->out, ':');
		}
		any = true;
		size_t before = s->out.len, spilled = s->out.spilled;
		int r = show_map_snapshot(v, s->opts, &s->states[i], &s->out);
		if (r < 0 && s->out.spilled != spilled) {
			/* Part of the map is out already: say it was cut short after it. */
			if (!json)
				sb_printf(&s->out, "%s: cannot read further: %s\n", v->name, sys_errno_name(r));
		} else if (r < 0) {
			s->out.len = before;
			if (json)
				sb_puts(&s->out, "null");
			else
				sb_printf(&s->out, "%s: cannot read: %s\n", v->name, sys_errno_name(r));
		} else if (r == 0 && !json && s->out.len == before) {
			sb_printf(&s->out, "%s: (empty)\n", v->name);
		}
	}
	if (json) {
		/* Keys gone from hashes since the previous snapshot: {"gone":{"flows":[KEY,...]}}. */
		bool gone = false;
		sb_putc(&s->out, '}');
		for (uint32_t i = 0; i < s->nviews && !cut; i++) {
			if (!s->states[i] || show_map_is_stream(s->views[i].type))
				continue;
			size_t at = s->out.len;
			sb_puts(&s->out, gone ? "," : ",\"gone\":{");
			sb_json_str(&s->out, s->views[i].name);
			sb_putc(&s->out, ':');
			if (show_map_take_gone(s->states[i], &s->out))
				gone = true;
			else
				s->out.len = at;
		}
		if (gone)
			sb_putc(&s->out, '}');
		if (cut)
			sb_printf(&s->out, ",\"cut_at\":%d", SNAPSHOT_MAX);
		sb_puts(&s->out, "}\n");
	} else if (cut) {
		sb_printf(&s->out, "-- snapshot cut at %d bytes\n", SNAPSHOT_MAX);
	}
	for (uint32_t i = 0; i < s->niters && !stopping(s); i++)
		show_iter(s, s->iters[i].name, s->iters[i].link_fd);
	flush(s);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_source(struct show *s, int fd, uint32_t idx, struct diag *d)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = idx};
	if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return diag_set(d, -errno, "show: epoll_ctl: %s", strerror(errno));
	return 0;
}

/* Ring buffers, perf buffers and trace_pipe, each watched by the one epoll. */
static int open_sources(struct show *s, struct diag *d)
{
	s->src = calloc(s->nviews + 1, sizeof(*s->src));
	if (!s->src)
		return diag_set(d, -ENOMEM, "show: out of memory");
	for (uint32_t i = 0; i < s->nviews; i++) {
		const struct show_map_view *m = &s->views[i];
		int fd = m->fd, err = 0;
		struct source *src = &s->src[s->nsrc];
		if (fd < 0)
			continue;
		if (m->type == BPF_MAP_TYPE_RINGBUF) {
			err = rb_open(&src->rb, fd, 0, d);
			if (!err)
				err = add_source(s, src->rb.epoll_fd, s->nsrc, d);
			src->kind = SRC_RINGBUF;
		} else if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
			err = perf_buf_open(&src->pb, fd, PERF_PAGES, d);
			if (!err)
				err = add_source(s, src->pb.epoll_fd, s->nsrc, d);
			src->kind = SRC_PERF;
		} else {
			continue;
		}
		if (err)
			return diag_wrap(d, err, "map '%s': ", m->name);
		src->map = i;
		s->nsrc++;
		narrate(s->opts->say, "show: following %s '%s'", obj_map_type_name(m->type), m->name);
	}
	if (s->opts->trace) {
		char dir[256], path[300];
		int err = fs_tracefs_dir(dir, sizeof(dir), d);
		if (err)
			return err;
		snprintf(path, sizeof(path), "%s/trace_pipe", dir);
		s->trace_buf = malloc(TRACE_BUF);
		if (!s->trace_buf)
			return diag_set(d, -ENOMEM, "show: out of memory");
		s->trace_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (s->trace_fd < 0)
			return diag_set(d, -errno, "show: %s: %s", path, strerror(errno));
		/* What the pipe already holds was written before this run: skip it. */
		while (read(s->trace_fd, s->trace_buf, TRACE_BUF) > 0)
			;
		narrate(s->opts->say, "show: following %s", path);
		return add_source(s, s->trace_fd, UINT32_MAX, d);
	}
	return 0;
}

static void close_sources(struct show *s)
{
	for (uint32_t i = 0; i < s->nsrc; i++) {
		if (s->src[i].kind == SRC_RINGBUF)
			rb_close(&s->src[i].rb);
		else if (s->src[i].kind == SRC_PERF)
			perf_buf_close(&s->src[i].pb);
	}
	free(s->src);
	if (s->trace_fd >= 0)
		close(s->trace_fd);
	free(s->trace_buf);
}

static void drain(struct show *s, uint32_t idx)
{
	if (idx == UINT32_MAX) {
		read_trace(s);
		return;
	}
	struct source *src = &s->src[idx];
	struct rec_ctx c = {s, src->map};
	if (src->kind == SRC_RINGBUF)
		rb_consume(&src->rb, on_ringbuf, &c);
	else
		perf_buf_consume(&src->pb, on_sample, on_lost, &c);
}

/* Work with the caller's signals let in (see the top of the file); they are blocked again before
 * the loop looks at the stop flag. */
static void work_begin(const struct show *s, sigset_t *saved)
{
	if (s->opts->wait_mask)
		sigprocmask(SIG_SETMASK, s->opts->wait_mask, saved);
}

static void work_end(const struct show *s, const sigset_t *saved)
{
	if (s->opts->wait_mask)
		sigprocmask(SIG_SETMASK, saved, NULL);
}

int show_views(const struct show_map_view *views, uint32_t nviews, const struct show_iter *iters,
	       uint32_t niters, const struct show_opts *opts, volatile sig_atomic_t *stop, struct diag *d)
{
	/* The budgets and the loops over entries look at the stop flag through the options. */
	struct show_opts with_stop = *opts;
	with_stop.stop = stop;
	struct show s = {.views = views, .nviews = nviews, .iters = iters, .niters = niters, .opts = &with_stop,
			 .trace_fd = -1, .stop = stop, .render_stop = stop};
	sigset_t saved;
	int err = 0;

	s.out.spill = opts->emit; /* a big map's snapshot goes out as it is read */
	s.out.spill_ctx = opts->emit_ctx;
	s.states = calloc(nviews + 1, sizeof(*s.states));
	s.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (!s.states || s.epoll_fd < 0) {
		err = diag_set(d, -ENOMEM, "show: cannot set up: %s", strerror(errno));
		goto out;
	}
	err = open_sources(&s, d);
	if (err)
		goto out;

	int64_t start = now_ms(), next = start + opts->interval_ms, pending_since = 0;
	int snapshots = 0;
	while (!*stop) {
		int64_t now = now_ms();
		if (opts->duration_ms && now - start >= opts->duration_ms)
			break;
		if (!s.out.len)
			pending_since = 0;
		else if (!pending_since)
			pending_since = now;
		else if (now - pending_since >= FLUSH_MS) {
			flush(&s);
			continue;
		}
		if (now >= next) {
			work_begin(&s, &saved);
			snapshot(&s);
			work_end(&s, &saved);
			next += opts->interval_ms;
			if (next <= now)
				next = now + opts->interval_ms; /* we fell behind: don't burst */
			if (opts->count && ++snapshots >= opts->count)
				break;
			continue;
		}
		int64_t wait = next - now;
		if (opts->duration_ms && start + opts->duration_ms - now < wait)
			wait = start + opts->duration_ms - now;
		if (pending_since && pending_since + FLUSH_MS - now < wait)
			wait = pending_since + FLUSH_MS - now; /* output waiting: wake up to write it */
		struct epoll_event ev[8];
		int n = epoll_pwait(s.epoll_fd, ev, 8, (int)wait, opts->wait_mask);
		if (n < 0 && errno != EINTR) {
			err = diag_set(d, -errno, "show: epoll_pwait: %s", strerror(errno));
			break;
		}
		work_begin(&s, &saved);
		for (int k = 0; k < n && !*stop; k++)
			drain(&s, ev[k].data.u32);
		if (s.out.len >= FLUSH_AT)
			flush(&s);
		work_end(&s, &saved);
	}
	/* Records that arrived before the stop are still shown, for a moment: a producer that never
	 * pauses must not hold the detach back. */
	s.render_stop = NULL;
	s.deadline = now_ms() + FINAL_DRAIN_MS;
	for (uint32_t i = 0; i < s.nsrc && !stopping(&s); i++)
		drain(&s, i);
	flush(&s);
out:
	close_sources(&s);
	if (s.states)
		for (uint32_t i = 0; i < nviews; i++)
			show_map_free(s.states[i]);
	free(s.states);
	if (s.epoll_fd >= 0)
		close(s.epoll_fd);
	sb_free(&s.out);
	sb_free(&s.iter);
	return err;
}

int show_run(const struct obj *o, const struct loaded *l, const struct show_opts *opts,
	     volatile sig_atomic_t *stop, struct diag *d)
{
	/* The maps listed in snapshots (even those not created: snapshots say so), the streams that
	 * were created, and the iterators that attached. */
	const struct attach_set *set = opts->attached;
	struct show_map_view *views = calloc(o->nmaps + 1, sizeof(*views));
	struct show_iter *iters = calloc((set ? set->n : 0) + 1, sizeof(*iters));
	uint32_t nviews = 0, niters = 0;
	int err;
	if (!views || !iters) {
		err = diag_set(d, -ENOMEM, "show: out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < o->nmaps; i++)
		/* A map the load refused has no fd: it was named then, and is not shown. */
		if ((show_map_listed(o, i, opts->all_maps) || show_map_is_stream(o->maps[i].type)) && l->map_fds[i] >= 0)
			show_map_view_obj(o, l, i, &views[nviews++]);
	for (uint32_t i = 0; set && i < set->n; i++)
		if (set->a[i].state == ATT_ATTACHED && o->progs[set->a[i].prog].def->attach == ATTACH_ITER)
			iters[niters++] = (struct show_iter){o->progs[set->a[i].prog].name, set->a[i].link_fd};
	err = show_views(views, nviews, iters, niters, opts, stop, d);
out:
	free(views);
	free(iters);
	return err;
}
