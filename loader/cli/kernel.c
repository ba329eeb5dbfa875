/* loader/cli/kernel.c — the commands on what the kernel already holds, with no object file:
 * `rawload detach IFACE` (an XDP program left behind), `rawload unpin DIR` (what --pin left) and
 * `rawload status [DIR]` (programs, maps, links, XDP; or the pins under DIR). */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "loader/attach/attach.h"
#include "loader/cli/cli.h"
#include "loader/show/status.h"

int cmd_detach(int argc, char **argv)
{
	bool force = false;
	int n = 0;
	for (int i = 0; i < argc; i++) /* --force may come anywhere */
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else
			argv[n++] = argv[i];
	const char *ifname = one_operand(n, argv, NULL);
	if (!ifname)
		return CLI_USAGE;
	sigset_t old; /* a signal waits until the detach is done */
	take_signals(&old);
	int ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "rawload: %s: no such interface\n", ifname);
		return EXIT_FAIL;
	}
	struct diag d = {{0}};
	char what[512];
	if (attach_detach_iface(ifindex, ifname, force, what, sizeof(what), CLI_SAY, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return EXIT_FAIL;
	}
	printf("detached the XDP program from %s: %s\n", ifname, what);
	return EXIT_OK;
}

int cmd_unpin(int argc, char **argv)
{
	const char *dir = one_operand(argc, argv, NULL);
	if (!dir)
		return CLI_USAGE;
	sigset_t old; /* a signal waits until every pin is gone */
	take_signals(&old);
	struct diag d = {{0}};
	if (attach_unpin(dir, CLI_SAY, &d)) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return EXIT_FAIL;
	}
	printf("unpinned %s: links detached, pins removed\n", dir);
	return EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	bool json = false;
	const char *dir = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			cli_verbose = 1;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-' || dir)
			return CLI_USAGE;
		else
			dir = argv[i];
	}
	struct status st;
	struct diag d = {{0}};
	int err = dir ? status_collect_pins(&st, dir, CLI_SAY, &d) : status_collect(&st, CLI_SAY, &d);
	if (err) {
		fprintf(stderr, "rawload: %s\n", d.msg);
		return EXIT_FAIL;
	}
	struct strbuf out = {0};
	status_render(&st, json, &out);
	status_close(&st);
	if (out.oom)
		fputs("rawload: status: out of memory\n", stderr);
	else if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	sb_free(&out);
	return fflush(stdout) == 0 && !out.oom ? EXIT_OK : EXIT_FAIL;
}
