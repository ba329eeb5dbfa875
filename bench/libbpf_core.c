/* bench/libbpf_core.c — what a user of libbpf would write to do `rawload load OBJECT`: open the
 * object, load every map and program (libbpf resolves the CO-RE records against the kernel's BTF
 * on the way), close. Linked statically against Debian's libbpf-dev for the bench's comparison only;
 * rawload never uses it.
 *
 * usage: libbpf-core OBJECT [--check]   (--check: print one line per program with its fd and
 *                                       instruction count, and the number loaded) */
#include <bpf/libbpf.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--check") != 0)) {
		fprintf(stderr, "usage: libbpf-core OBJECT [--check]\n");
		return 2;
	}
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "libbpf-core: %s: cannot open it\n", argv[1]);
		return 1;
	}
	int rc = 1;
	if (bpf_object__load(obj)) {
		fprintf(stderr, "libbpf-core: %s: load failed\n", argv[1]);
		goto out;
	}
	int n = 0, bad = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj)
	{
		int fd = bpf_program__fd(prog);
		if (fd < 0)
			bad++;
		else
			n++;
		if (argc == 3)
			printf("prog %s fd %d insns %zu\n", bpf_program__name(prog), fd, bpf_program__insn_cnt(prog));
	}
	if (argc == 3)
		printf("%d programs loaded, %d not\n", n, bad);
	rc = bad || !n;
out:
	bpf_object__close(obj);
	return rc;
}
