/* loader/load/kfeat.h — which kernel brought which BPF feature, and how a refusal names one. Pure
 * data and text matching: the Linux version that first had each map type, program type, attach
 * type, program and map flag and helper (from the kernel's git history as bcc's
 * docs/kernel-versions.md records it), and the reading of a verifier log that shows the kernel
 * lacking something (an unknown helper, callbacks before 5.13, kfuncs, an instruction it does not
 * know) rather than judging the program. Never decides anything from the running kernel's version:
 * versions are only said, next to what the kernel itself reported. */
#ifndef RAWLOAD_KFEAT_H
#define RAWLOAD_KFEAT_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* A version as major << 8 | minor (0x512 is 5.18); 0 when not known. */
uint16_t kfeat_map_type_version(uint32_t type);
uint16_t kfeat_prog_type_version(uint32_t type);
uint16_t kfeat_attach_type_version(uint32_t type);
/* Helper by id (enum bpf_func_id): "bpf_xdp_get_buff_len", NULL when the id is past the table. */
const char *kfeat_helper_name(uint32_t id);
uint16_t kfeat_helper_version(uint32_t id);
/* BPF_PROG_LOAD's prog_flags and BPF_MAP_CREATE's map_flags, by bit number (0..31): the UAPI name
 * ("BPF_F_XDP_HAS_FRAGS") or NULL, and the version in *version. */
const char *kfeat_prog_flag(uint32_t bit, uint16_t *version);
const char *kfeat_map_flag(uint32_t bit, uint16_t *version);

/* ", Linux 5.18" for a known version, "" for 0: for "(#188, Linux 5.18)"-style notes. buf[16]. */
const char *kfeat_since(uint16_t version, char buf[16]);

/* What a verifier log says the kernel lacks. */
struct kfeat_lack {
	char text[240];    /* "helper #188 (bpf_xdp_get_buff_len, Linux 5.18) is unknown to this kernel" */
	int poisoned_insn; /* the log ends at a call of the loader's poison helper (CO-RE found nothing,
	                    * or a missing __weak kfunc) at this instruction; -1 otherwise */
};
/* Read the log of a refused BPF_PROG_LOAD of insns[0..n) (the program as submitted, of type
 * prog_type). Returns 1 with out filled when the log shows the kernel lacking a feature the program
 * uses: a helper id it does not know ("invalid func unknown#N"), a helper it does not offer this
 * program type ("unknown func", "program of this type cannot use helper"), callbacks or typed
 * __ksym ld_imm64 kinds it does not know, kfunc calls, an instruction it does not know, or the
 * loader's poison reached (poisoned_insn). Returns 0 when the log is the verifier's judgement of
 * the program itself (a rejection). poison_helper is the loader's poison helper id. */
int kfeat_explain_log(const char *log, const struct bpf_insn *insns, uint32_t n, uint32_t prog_type,
		      int32_t poison_helper, struct kfeat_lack *out);

#endif
