/* bench/libbpf_load.c — what a user of libbpf would write to do rawload's XDP cycle: open the
 * object, load it, attach its XDP programs to an interface (a bpf_link), detach, close. Linked
 * statically against Debian's libbpf-dev for the bench's comparison only; rawload never uses it.
 *
 * usage: libbpf-load OBJECT IFACE [--check CMD ARG...]   (--check: run CMD, a witness such as
 *                                                        bpftool, while the programs are attached) */
#include <bpf/libbpf.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the witness command to its end; 0 when it exited 0. */
static int witness(char **cmd)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "libbpf-load: %s failed\n", cmd[0]);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (argc > 3 && (argc == 4 || strcmp(argv[3], "--check") != 0))) {
		fprintf(stderr, "usage: libbpf-load OBJECT IFACE [--check CMD ARG...]\n");
		return 2;
	}
	int ifindex = (int)if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "libbpf-load: %s: no such interface\n", argv[2]);
		return 1;
	}
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "libbpf-load: %s: cannot open it\n", argv[1]);
		return 1;
	}
	int rc = 1;
	if (bpf_object__load(obj)) {
		fprintf(stderr, "libbpf-load: %s: load failed\n", argv[1]);
		goto out;
	}
	struct bpf_link *links[16];
	int n = 0;
	struct bpf_program *prog;
	bpf_object__for_each_program(prog, obj)
	{
		if (bpf_program__type(prog) != BPF_PROG_TYPE_XDP || n == 16)
			continue;
		links[n] = bpf_program__attach_xdp(prog, ifindex);
		if (!links[n]) {
			fprintf(stderr, "libbpf-load: %s: attach failed\n", bpf_program__name(prog));
			goto out_links;
		}
		n++;
	}
	rc = n ? 0 : 1;
	if (!n)
		fprintf(stderr, "libbpf-load: %s: no XDP program\n", argv[1]);
	else if (argc > 3)
		rc = witness(argv + 4);
out_links:
	while (n > 0)
		bpf_link__destroy(links[--n]);
out:
	bpf_object__close(obj);
	return rc;
}
