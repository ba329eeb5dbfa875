/* tests/kernel/test_load_failures.c — failed loads and what every load leaves: a verifier rejection
 * fails the whole object, names the program and quotes the source line (diag, log excerpt, CLI,
 * exit status 1); programs the kernel or the object refuses are refused alone (their reason in
 * prog_refused, the rest loaded); load_close frees every fd and kernel object, after a failure
 * too. Root only. */
#include "ktest.h"

#include "bpf/sys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- verifier failures ----------------------------------------------------------------------------- */

/* The line of tests/progs/bad_verifier.bpf.c marked BAD LINE: its number and its text without the
 * leading blanks (as the kernel quotes it from line_info). */
static int bad_line(char *text, size_t n)
{
	FILE *f = fopen(test_path("tests/progs/bad_verifier.bpf.c"), "r");
	char line[512];
	int no = 0, found = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		no++;
		if (strstr(line, "/* BAD LINE */")) {
			const char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			snprintf(text, n, "%s", p);
			text[strcspn(text, "\n")] = '\0';
			found = no;
			break;
		}
	}
	fclose(f);
	return found;
}

TEST(load_bad_verifier)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	char text[512], where[64], quoted[600];
	int line = bad_line(text, sizeof(text));
	CHECK(line > 0, "no BAD LINE marker in bad_verifier.bpf.c");
	snprintf(where, sizeof(where), "bad_verifier.bpf.c:%d", line);
	snprintf(quoted, sizeof(quoted), "; %s", text);
	int err = kobj_load(&k, "build/progs/bad_verifier.bpfel.o", NULL);
	CHECK(err == -EACCES, "load gave %s, want EACCES (%s)", sys_errno_name(err), k.d.msg);
	if (!k.parsed)
		goto out;
	int bad = obj_find_prog(&k.o, "bad_access");
	CHECK(bad >= 0 && k.l.failed_prog == bad, "failed_prog %d, bad_access is %d", k.l.failed_prog, bad);
	CHECK(strstr(k.d.msg, "bad_access"), "diag '%s' does not name bad_access", k.d.msg);
	const char *log = k.l.verifier_log ? k.l.verifier_log : "";
	CHECK(strstr(log, "invalid access to packet"), "log lacks 'invalid access to packet':\n%s", log);
	CHECK(line <= 0 || strstr(log, quoted), "log does not quote the source line '%s':\n%s", quoted, log);
	CHECK(line <= 0 || strstr(log, where), "log does not say %s:\n%s", where, log);
	size_t len = 0;
	const char *part = log[0] ? load_log_excerpt(log, &len) : "";
	CHECK(len > 0 && !strncmp(part, quoted, strlen(quoted)), "excerpt does not start with the source line:\n%.*s",
	      (int)len, part);
	CHECK(len > 0 && memmem(part, len, "invalid access to packet", 24), "excerpt lacks the error:\n%.*s", (int)len,
	      part);
	ktest_note("excerpt:\n%.*s", (int)len, part);
out:
	kobj_close(&k);
	FDS_END();
}

/* The CLI: non-zero exit, the program named and the source line shown on stderr. */
TEST(cli_bad_verifier)
{
	KTEST_NEED_BPF();
	char text[512], where[64];
	int line = bad_line(text, sizeof(text));
	CHECK(line > 0, "no BAD LINE marker in bad_verifier.bpf.c");
	snprintf(where, sizeof(where), "bad_verifier.bpf.c:%d", line);
	int st = -1;
	char *err = ktest_popen(&st, "'%s' load '%s' 2>&1 >/dev/null", test_path("rawload"),
				test_path("build/progs/bad_verifier.bpfel.o"));
	CHECK(err, "cannot run rawload");
	if (!err)
		return;
	CHECK(st == 1, "rawload load exited %d, want 1 (a verifier rejection fails the object)", st);
	CHECK(strstr(err, "bad_access"), "stderr does not name the program:\n%s", err);
	CHECK(strstr(err, text), "stderr does not show the source line '%s':\n%s", text, err);
	CHECK(strstr(err, where), "stderr does not say %s:\n%s", where, err);
	CHECK(strstr(err, "invalid access to packet"), "stderr lacks the verifier's reason:\n%s", err);
	ktest_note("rawload load bad_verifier stderr:\n%s", err);
	free(err);

	/* And a good object: exit 0, each program and map reported. */
	char *out = ktest_popen(&st, "'%s' load '%s' 2>&1", test_path("rawload"), test_path("examples/counter.o"));
	CHECK(out && st == 0 && strstr(out, "count_packets") && strstr(out, "pkt_count"),
	      "rawload load counter.o: exit %d:\n%s", st, out ? out : "");
	free(out);
}

/* load_log_excerpt keeps from the last quoted source line and drops the closing statistics
 * ("processed N insns ...": how far the verifier got, not why it stopped). */
TEST(load_log_excerpt_drops_statistics)
{
	static const char log[] =
		"func#0 @0\n"
		"0: R1=ctx() R10=fp0\n"
		"; x = 1; @ a.c:3\n"
		"0: (b7) r0 = 1\n"
		"; return *p; @ a.c:4\n"
		"1: (71) r1 = *(u8 *)(r1 +0)\n"
		"invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0)\n"
		"R1 offset is outside of the packet\n"
		"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
	size_t len = 0;
	const char *part = load_log_excerpt(log, &len);
	CHECK(part && !strncmp(part, "; return *p; @ a.c:4\n", 21), "excerpt starts '%.30s'", part ? part : "");
	CHECK(part && memmem(part, len, "R1 offset is outside of the packet", 34), "excerpt lost the reason");
	CHECK(part && !memmem(part, len, "processed 2 insns", 17), "excerpt keeps the statistics:\n%.*s", (int)len,
	      part ? part : "");
}

/* ---- programs this kernel refuses --------------------------------------------------------------------- */

/* p_fentry, p_fexit (TRACING with a BPF trampoline) and p_lsm (LSM) fail with EPERM here: this
 * machine's kernel is locked down from its configuration ("Kernel is locked down from Kernel
 * configuration" at boot, lockdown LSM first in lsm=), and the trampoline-based program types are
 * refused under lockdown before the verifier runs. Only these three may give EPERM; everything
 * else in sections.bpfel.o loads (load_obj_sections). A kernel without lockdown loads them. p_weird
 * has a section name no loader knows. Each, loaded alone, is refused by itself: load_object
 * succeeds, the program has no fd and its reason, nothing usable loaded, failed_prog stays -1 (it
 * is for verifier rejections). */
TEST(load_sections_refused)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	static const char *const only[] = {"p_fentry", "p_fexit", "p_lsm", "p_weird"};
	for (size_t t = 0; t < ARRAY_LEN(only); t++) {
		struct kobj k;
		bool *skip = NULL;
		int err = kobj_open(&k, "build/progs/sections.bpfel.o");
		CHECK(err == 0, "open: %s", k.d.msg);
		if (err)
			goto next;
		int want = obj_find_prog(&k.o, only[t]);
		CHECK(want >= 0, "%s not in the model", only[t]);
		if (want < 0)
			goto next;
		skip = calloc(k.o.nprogs + 1, sizeof(bool));
		for (uint32_t i = 0; i < k.o.nprogs; i++)
			skip[i] = (int)i != want;
		struct load_opts opts = {.skip_prog = skip};
		err = kobj_load_opened(&k, &opts);
		CHECK(err == 0, "%s alone: %s (%s): a refused program must not fail the load", only[t], sys_errno_name(err),
		      k.d.msg);
		if (err)
			goto next;
		const char *why = k.l.prog_refused[want].why;
		ktest_note("%s alone: %s", only[t], why ? why : "loaded");
		CHECK(k.l.failed_prog == -1, "%s: failed_prog %d", only[t], k.l.failed_prog);
		if (!strcmp(only[t], "p_weird")) {
			CHECK(why && strstr(why, "section 'weird/thing' names no program type"), "p_weird: %s", why ? why : "loaded");
		} else if (why) {
			CHECK(strstr(why, "BPF_PROG_LOAD: EPERM") && k.l.prog_fds[want] < 0, "%s: %s", only[t], why);
		} else {
			ktest_note("%s loads: this kernel is not locked down", only[t]);
		}
		if (why) {
			CHECK(k.l.nrefused_progs == 1 && load_outcome(&k.l) == LOAD_NOTHING, "%s: %u refused, outcome %d", only[t],
			      k.l.nrefused_progs, load_outcome(&k.l));
		}
	next:
		kobj_close(&k);
		free(skip);
	}
	FDS_END();
}

/* The whole object: everything but the refused ones loads (a partial load), and the CLI says so
 * with exit status 3, naming each refused program with its reason on stdout. */
TEST(load_sections_partial)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	int err = kobj_load(&k, "build/progs/sections.bpfel.o", NULL);
	CHECK(err == 0, "sections: %s (%s)", sys_errno_name(err), k.d.msg);
	if (!err) {
		int weird = obj_find_prog(&k.o, "p_weird");
		uint32_t loaded = 0;
		for (uint32_t i = 0; i < k.o.nprogs; i++) {
			bool trampoline = !strcmp(k.o.progs[i].name, "p_fentry") || !strcmp(k.o.progs[i].name, "p_fexit") ||
					  !strcmp(k.o.progs[i].name, "p_lsm");
			loaded += k.l.prog_fds[i] >= 0;
			CHECK(k.l.prog_fds[i] >= 0 || trampoline || (int)i == weird, "%s not loaded: %s", k.o.progs[i].name,
			      k.l.prog_refused[i].why ? k.l.prog_refused[i].why : "?");
			CHECK((k.l.prog_fds[i] >= 0) != (k.l.prog_refused[i].why != NULL), "%s: fd %d and refusal '%s'",
			      k.o.progs[i].name, k.l.prog_fds[i], k.l.prog_refused[i].why ? k.l.prog_refused[i].why : "");
		}
		CHECK(loaded >= 19 && loaded + k.l.nrefused_progs == k.o.nprogs && load_outcome(&k.l) == LOAD_PARTIAL,
		      "%u loaded, %u refused, outcome %d", loaded, k.l.nrefused_progs, load_outcome(&k.l));
	}
	kobj_close(&k);
	FDS_END();

	int st = -1;
	char *out = ktest_popen(&st, "'%s' load '%s' 2>&1", test_path("rawload"), test_path("build/progs/sections.bpfel.o"));
	CHECK(out && st == 3, "rawload load sections: exit %d, want 3:\n%s", st, out ? out : "");
	CHECK(out && strstr(out, "prog p_xdp ") && strstr(out, "prog p_weird") &&
		      strstr(out, "refused: section 'weird/thing' names no program type") && strstr(out, "partial load: "),
	      "report:\n%s", out ? out : "");
	free(out);
}

/* ---- nothing leaks ------------------------------------------------------------------------------------ */

/* Every id the object's fds refer to. */
struct ids {
	uint32_t prog[32], map[32], btf;
	int nprog, nmap;
};

static void collect_ids(const struct kobj *k, struct ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	for (uint32_t i = 0; i < k->o.nprogs && ids->nprog < 32; i++)
		if (k->l.prog_fds[i] >= 0)
			ids->prog[ids->nprog++] = ktest_prog_id(k->l.prog_fds[i]);
	for (uint32_t i = 0; i < k->o.nmaps && ids->nmap < 32; i++)
		if (k->l.map_fds[i] >= 0)
			ids->map[ids->nmap++] = ktest_map_id(k->l.map_fds[i]);
	ids->btf = ktest_btf_id(k->l.btf_fd);
}

/* Whether the kernel still has a program (BPF_PROG_GET_NEXT_ID) or map (BPF_MAP_GET_NEXT_ID) of this
 * id. Walking ids takes no reference (getting an fd by id would, and for a prog array each
 * close of such an fd schedules a deferred clear that holds the map a little longer). */
static bool id_exists(int cmd, uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.start_id = id - 1;
	return sys_bpf(cmd, &a, sizeof(a)) == 0 && a.next_id == id;
}

/* How many of ids the kernel still has; it drops the id when the last reference goes, which can
 * come a little after the fds are closed (a program's maps are released from a work item after
 * an RCU grace period): wait up to 2 s. */
static int ids_alive(const struct ids *ids)
{
	int alive = 0;
	for (int round = 0; round < 200; round++) {
		alive = 0;
		for (int i = 0; i < ids->nprog; i++)
			alive += id_exists(BPF_PROG_GET_NEXT_ID, ids->prog[i]);
		for (int i = 0; i < ids->nmap; i++)
			alive += id_exists(BPF_MAP_GET_NEXT_ID, ids->map[i]);
		if (!alive)
			break;
		usleep(10000);
	}
	for (int i = 0; alive && i < ids->nprog; i++)
		if (id_exists(BPF_PROG_GET_NEXT_ID, ids->prog[i]))
			fprintf(stderr, "  prog id %u still exists\n", ids->prog[i]);
	for (int i = 0; alive && i < ids->nmap; i++)
		if (id_exists(BPF_MAP_GET_NEXT_ID, ids->map[i]))
			fprintf(stderr, "  map id %u still exists\n", ids->map[i]);
	return alive;
}

/* Load and close every object, and the failing ones (verifier failure, kernel refusal after other
 * programs loaded, conflicting pin): the process's fds come back to where they were and the
 * kernel frees every program and map made. */
TEST(load_close_leaks_nothing)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	char dir[128];
	ktest_bpffs_dir(dir, sizeof(dir), "leak");
	ktest_rm_bpffs_tree(dir);
	static const char *const paths[] = {
		"examples/counter.o", "examples/show-ip.o", "examples/execsnoop.o", BTF_MAPS,
		"build/progs/global_data.bpfel.o", IPROUTE2, "build/progs/legacy_maps.bpfel.o",
		"build/progs/legacy_samples.bpfel.o", "build/progs/ringbuf_typed.bpfel.o",
		"build/progs/subprogs.bpfel.o",
	};
	struct load_opts opts = {.pin_root = dir};
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
			struct kobj k;
			struct ids ids;
			int before = ktest_count_fds();
			int err = kobj_load(&k, paths[i], &opts);
			CHECK(err == 0, "%s: %s", paths[i], k.d.msg);
			if (!err) {
				collect_ids(&k, &ids);
				CHECK(ids.nprog > 0 && id_exists(BPF_PROG_GET_NEXT_ID, ids.prog[0]) &&
					      (ids.nmap == 0 || id_exists(BPF_MAP_GET_NEXT_ID, ids.map[0])),
				      "%s: ids not seen while loaded", paths[i]);
			}
			kobj_close(&k);
			CHECK(ktest_count_fds() == before, "%s: %d fds before, %d after", paths[i], before,
			      ktest_count_fds());
			if (err)
				continue;
			/* Pinned maps stay (the pin holds them): leave them out. */
			struct ids unpinned = ids;
			unpinned.nmap = 0;
			for (int m = 0; m < ids.nmap; m++) {
				int fd = -1;
				char pinned[256];
				snprintf(pinned, sizeof(pinned), "%s/flags_hash", dir);
				fd = sys_obj_get(pinned, 0);
				bool keep = !(fd >= 0 && ktest_map_id(fd) == ids.map[m]);
				if (fd >= 0)
					close(fd);
				snprintf(pinned, sizeof(pinned), "%s/tc/globals/tc_counter", dir);
				fd = sys_obj_get(pinned, 0);
				keep = keep && !(fd >= 0 && ktest_map_id(fd) == ids.map[m]);
				if (fd >= 0)
					close(fd);
				if (keep)
					unpinned.map[unpinned.nmap++] = ids.map[m];
			}
			int alive = ids_alive(&unpinned);
			CHECK(alive == 0, "%s: %d programs/maps still in the kernel after close", paths[i], alive);
		}
	}

	/* Failures: everything made before the failure is closed too. */
	struct kobj k;
	int before = ktest_count_fds();
	int err = kobj_load(&k, "build/progs/bad_verifier.bpfel.o", NULL);
	CHECK(err == -EACCES, "bad_verifier: %s", sys_errno_name(err));
	CHECK(ktest_count_fds() == before, "bad_verifier failed load holds %d fds", ktest_count_fds() - before);
	kobj_close(&k);
	/* sections and partial: loads with refused members; closing gives every fd back and the
	 * kernel frees what loaded. */
	static const char *const partial[] = {"build/progs/sections.bpfel.o", "build/progs/partial.bpfel.o"};
	for (size_t i = 0; i < ARRAY_LEN(partial); i++) {
		struct ids ids;
		err = kobj_load(&k, partial[i], NULL);
		CHECK(err == 0 && k.l.nrefused_progs > 0, "%s: %s (%s), %u refused", partial[i], sys_errno_name(err), k.d.msg,
		      k.l.nrefused_progs);
		if (!err)
			collect_ids(&k, &ids);
		kobj_close(&k);
		CHECK(ktest_count_fds() == before, "%s: a partial load leaves %d fds", partial[i], ktest_count_fds() - before);
		if (!err) {
			int alive = ids_alive(&ids);
			CHECK(alive == 0, "%s: %d programs/maps still in the kernel after close", partial[i], alive);
		}
	}
	CHECK(ktest_count_fds() == before, "after failures: %d fds, %d before", ktest_count_fds(), before);

	kobj_close(&k);
	CHECK(ktest_rm_bpffs_tree(dir) == 0 && !ktest_exists(dir), "%s left behind", dir);
	FDS_END();
}
