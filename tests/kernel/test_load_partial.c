/* tests/kernel/test_load_partial.c — partial loads: one member the kernel or the object refuses
 * never sinks the rest. tests/progs/partial.bpf.c on the real kernel (each refused member with its
 * reason, the program that works loaded and counting); refusals the 6.18 kernel makes for real
 * from hand-built models — a program type, an attach type, a prog flag bit no kernel knows — and
 * the optional-attach-type fallback; the CLI's report and exit statuses. Root only. */
#include "ktest.h"

#include "bpf/sys.h"
#include "loader/load/load_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *refusal_of(const struct kobj *k, const char *prog)
{
	int i = obj_find_prog(&k->o, prog);
	return i < 0 ? "(no such program)" : k->l.prog_refused[i].why;
}

TEST(load_partial_object)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	int err = kobj_load(&k, "build/progs/partial.bpfel.o", NULL);
	CHECK(err == 0, "partial: %s (%s)", sys_errno_name(err), k.d.msg);
	if (err)
		goto out;
	static const struct {
		const char *prog, *why;
	} want[] = {
		{"uses_future_map", "it uses map 'future_map', which was refused"},
		{"uses_future_flag", "it uses map 'future_flag', which was refused"},
		{"calls_future_helper", "helper #250 is unknown to this kernel"},
		{"calls_skb_helper", "helper #9 (bpf_skb_store_bytes, Linux 4.1) is not offered to xdp programs by this kernel"},
		{"uses_undefined", "extern 'rawload_nowhere': neither __kconfig nor __ksym"},
		{"uses_missing_kconfig", "extern 'CONFIG_RAWLOAD_PARTIAL_MISSING': not set in the kernel's config"},
		{"in_unknown_section", "section 'rawload/unknown' names no program type rawload knows"},
		{"uses_missing_kfunc", "extern 'bpf_rawload_no_such_kfunc': the kernel's BTF has no func of that name"},
		{"core_missing", "which CO-RE could not relocate: field_byte_offset struct task_struct___rl.rawload_no_such_field"},
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const char *why = refusal_of(&k, want[i].prog);
		CHECK(why && strstr(why, want[i].why), "%s: '%s', want '%s'", want[i].prog, why ? why : "(loaded)", want[i].why);
		CHECK(kobj_prog_fd(&k, want[i].prog) < 0, "%s has an fd", want[i].prog);
	}
	CHECK(k.l.nrefused_progs == ARRAY_LEN(want) && load_outcome(&k.l) == LOAD_PARTIAL && k.l.failed_prog == -1,
	      "%u refused, outcome %d", k.l.nrefused_progs, load_outcome(&k.l));
	int fm = obj_find_map(&k.o, "future_map"), ff = obj_find_map(&k.o, "future_flag");
	CHECK(fm >= 0 && k.l.map_fds[fm] < 0 && k.l.map_refused[fm].why &&
		      strstr(k.l.map_refused[fm].why, "EINVAL: map type 250 is unknown to this kernel"),
	      "future_map: %s", fm >= 0 && k.l.map_refused[fm].why ? k.l.map_refused[fm].why : "(created)");
	CHECK(ff >= 0 && k.l.map_fds[ff] < 0 && k.l.map_refused[ff].why &&
		      strstr(k.l.map_refused[ff].why, "EINVAL: this kernel refuses map flag bit 24 (0x1000000) on it"),
	      "future_flag: %s", ff >= 0 && k.l.map_refused[ff].why ? k.l.map_refused[ff].why : "(created)");
	CHECK(k.l.nrefused_maps == 2, "%u maps refused", k.l.nrefused_maps);
	int ext = obj_find_extern(&k.o, "CONFIG_RAWLOAD_PARTIAL_MISSING");
	CHECK(ext >= 0 && k.l.ext_refused[ext].why, "the kconfig extern has no refusal");

	/* What loaded works: count_xdp counts three runs in packets[0]. */
	int prog = kobj_prog_fd(&k, "count_xdp"), map = kobj_map_fd(&k, "packets");
	CHECK(prog >= 0 && map >= 0, "count_xdp %d, packets %d", prog, map);
	if (prog >= 0 && map >= 0) {
		uint8_t frame[128];
		size_t len = ktest_frame_ipv4(frame, sizeof(frame), "10.0.0.1", "10.0.0.2", 64, 17, 10);
		int64_t r = ktest_run(prog, frame, len, 3);
		CHECK(r == XDP_PASS, "count_xdp returned %lld", (long long)r);
		CHECK(read_u64(map, 0) == 3, "packets[0] = %llu, want 3", (unsigned long long)read_u64(map, 0));
	}
out:
	kobj_close(&k);
	FDS_END();
}

/* sections.bpfel.o's p_xdp (r0 = 0; exit) loaded alone under a hand-built section definition. */
static int load_as(struct kobj *k, const struct secdef *def, const struct narrator *say)
{
	int err = kobj_open(k, "build/progs/sections.bpfel.o");
	if (err)
		return err;
	int p = obj_find_prog(&k->o, "p_xdp");
	if (p < 0)
		return -ENOENT;
	k->o.progs[p].def = def;
	static bool skip[64];
	for (uint32_t i = 0; i < k->o.nprogs && i < 64; i++)
		skip[i] = (int)i != p;
	struct load_opts opts = {.skip_prog = skip, .say = say};
	return kobj_load_opened(k, &opts);
}

struct lines {
	char text[8192];
	size_t len;
};
static void keep_line(void *ctx, const char *line)
{
	struct lines *l = ctx;
	int n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%s\n", line);
	if (n > 0 && (size_t)n < sizeof(l->text) - l->len)
		l->len += (size_t)n;
}

/* The kernel refuses, before verifying anything, a program type, an attach type (for a type that
 * checks it) and a prog flag bit no kernel has: EINVAL, no log. rawload finds which by trying
 * without each, names it, and loads the rest; no narration says anything it did not find. */
TEST(load_refusals_found_by_trying)
{
	KTEST_NEED_BPF();
	FDS_BEGIN();
	struct kobj k;
	struct lines said = {.len = 0};
	struct narrator say = {keep_line, &said};

	static const struct secdef type250 = {"rawload_test", 250, 0, 0, ATTACH_NONE};
	int err = load_as(&k, &type250, &say);
	const char *why = err ? NULL : refusal_of(&k, "p_xdp");
	CHECK(!err && why && !strcmp(why, "this kernel refuses program type 250"), "type 250: %s (%s)", why ? why : "-",
	      k.d.msg);
	CHECK(!err && load_outcome(&k.l) == LOAD_NOTHING, "outcome");
	kobj_close(&k);

	/* cgroup_skb checks its attach type; 250 is none. */
	static const struct secdef at250 = {"rawload_test", BPF_PROG_TYPE_CGROUP_SKB, 250, SECDEF_LOAD_ATTACH_TYPE,
					    ATTACH_NONE};
	said.len = 0;
	err = load_as(&k, &at250, &say);
	why = err ? NULL : refusal_of(&k, "p_xdp");
	CHECK(!err && why && !strcmp(why, "this kernel refuses attach type 250"), "attach type 250: %s (%s)", why ? why : "-",
	      k.d.msg);
	CHECK(strstr(said.text, "probe without expected_attach_type: the kernel gets further"), "not narrated:\n%s", said.text);
	kobj_close(&k);

	/* The same attach type, optional (SECDEF_LOAD_ATTACH_OPT): loaded without it, and -v says the
	 * kernel refused it (found, not guessed). cgroup/sock fills in its default attach type. */
	static const struct secdef opt250 = {"rawload_test", BPF_PROG_TYPE_CGROUP_SOCK, 250, SECDEF_LOAD_ATTACH_OPT,
					     ATTACH_NONE};
	said.len = 0;
	err = load_as(&k, &opt250, &say);
	CHECK(!err && kobj_prog_fd(&k, "p_xdp") >= 0 && load_outcome(&k.l) == LOAD_ALL, "optional attach type: %s %s", k.d.msg,
	      err ? "" : refusal_of(&k, "p_xdp") ? refusal_of(&k, "p_xdp") : "");
	CHECK(strstr(said.text, "the kernel refuses expected_attach_type 250 before verifying (EINVAL) and takes the program without it"),
	      "fallback not narrated:\n%s", said.text);
	kobj_close(&k);

	/* A known attach type the kernel refuses for reasons of its own is not blamed on the attach type:
	 * an xdp.frags program whose flag is refused (hand-built: the flag bit 30 instead). */
	struct sys_prog_def def;
	static const struct bpf_insn ret0[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	memset(&def, 0, sizeof(def));
	def.name = "flag30";
	def.type = BPF_PROG_TYPE_XDP;
	def.expected_attach_type = BPF_XDP;
	def.prog_flags = 1u << 30 | BPF_F_XDP_HAS_FRAGS;
	def.insns = ret0;
	def.insn_cnt = 2;
	def.license = "GPL";
	def.btf_fd = def.attach_prog_fd = -1;
	int fd = sys_prog_load(&def);
	CHECK(fd == -EINVAL, "prog flag bit 30: %s, want EINVAL", sys_errno_name(fd));
	if (fd >= 0)
		close(fd);
	struct loaded l;
	memset(&l, 0, sizeof(l));
	static const struct secdef xdp_opt = {"xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, SECDEF_LOAD_ATTACH_OPT | SECDEF_XDP_FRAGS,
					      ATTACH_XDP};
	struct obj_prog p = {.name = "flag30", .sec_name = "xdp.frags", .def = &xdp_opt, .target = ""};
	struct load_opts opts = {.say = &say};
	char text[240];
	said.len = 0;
	fd = -1;
	int kept = load_explain_einval(&l, &opts, &p, &def, &fd, text, sizeof(text));
	CHECK(kept == 0 && fd == -1 && !strcmp(text, "this kernel refuses prog flag bit 30 (0x40000000)"), "flag: %d %s", kept,
	      text);
	CHECK(!strstr(said.text, "expected_attach_type") || !strstr(said.text, "refuses expected_attach_type"),
	      "an attach type blamed:\n%s", said.text);
	CHECK(strstr(said.text, "probe without prog flag bit 5: refused the same way") &&
		      strstr(said.text, "probe without prog flag bit 30: the kernel gets further"),
	      "probes not narrated:\n%s", said.text);
	if (fd >= 0)
		close(fd);
	FDS_END();
}

/* The CLI: a partial load exits 3 and lists what loaded and what was refused; an object of which
 * nothing usable loads exits 1. */
TEST(cli_partial_exit_status)
{
	KTEST_NEED_BPF();
	int st = -1;
	char *out = ktest_popen(&st, "'%s' load '%s' 2>&1", test_path("rawload"), test_path("build/progs/partial.bpfel.o"));
	CHECK(out && st == 3, "partial: exit %d, want 3:\n%s", st, out ? out : "");
	CHECK(out && strstr(out, "prog count_xdp ") && strstr(out, " id ") &&
		      strstr(out, "prog uses_future_map      xdp            refused: it uses map 'future_map', which was refused") &&
		      strstr(out, "map  future_map           type 250       refused: BPF_MAP_CREATE type 250") &&
		      strstr(out, "rawload: partial load: 1 of 10 programs loaded, 9 refused; 2 maps refused (exit status 3)"),
	      "report:\n%s", out ? out : "");
	free(out);
	out = ktest_popen(&st, "'%s' load '%s' 2>&1", test_path("rawload"), test_path("build/progs/externs_missing.bpfel.o"));
	CHECK(out && st == 1 && strstr(out, "refused: extern 'CONFIG_RAWLOAD_MISSING': not set in the kernel's config") &&
		      strstr(out, "rawload: nothing usable loaded: 0 of 1 programs loaded"),
	      "externs_missing: exit %d:\n%s", st, out ? out : "");
	free(out);
}
