/* tests/fuzz/fuzz_cli.c — libFuzzer target for the command line's parsers (loader/cli/args.c and
 * signals.c, called without running a command): the main command's options
 * (parse_run), seconds with decimals (parse_ms), the one-operand commands (one_operand) and signal
 * names. The input is an argument vector, arguments separated by NUL bytes. A refusal must name
 * the argument it could not take; an accepted vector must give a path, a positive interval and at
 * most 64 --prog names (and their --type). Seeds: argument vectors from the README and the tests (seeds.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null_out;
	if (!null_out) { /* usage text on refusals: not libFuzzer's output, which keeps its own handle */
		null_out = fopen("/dev/null", "w");
		if (null_out)
			stderr = null_out;
	}
	char *copy = malloc(size + 1);
	char *argv[65];
	int argc = 0;
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t at = 0; at <= size && argc < 64;) {
		argv[argc++] = copy + at;
		at += strlen(copy + at) + 1;
	}
	argv[argc] = NULL;

	cli_verbose = 0;
	struct run_args a;
	memset(&a, 0, sizeof(a));
	if (parse_run(argc, argv, &a) == 0) {
		if (!a.path || a.show.interval_ms <= 0 || a.types.n > 64 || a.show.count < 0 || a.show.duration_ms < 0)
			abort();
	} else {
		bool named = a.bad && (strcmp(a.bad, "(no OBJECT)") == 0);
		for (int i = 0; i < argc && !named; i++)
			named = a.bad == argv[i];
		if (!named)
			abort();
	}
	for (int i = 0; i < argc; i++) {
		int ms = parse_ms(argv[i]);
		if (ms != -1 && (ms <= 0 || ms > 1000000000))
			abort();
	}
	bool json = false;
	const char *op = one_operand(argc, argv, &json);
	if (op && (op < copy || op > copy + size))
		abort();
	/* inspect's argument split (--prog/--type pairs out, in place) on a copy of the vector. */
	char *v2[65];
	memcpy(v2, argv, sizeof(v2));
	struct type_opts types;
	memset(&types, 0, sizeof(types));
	int nrest = 0;
	for (int i = 0; i < argc; i++) {
		int r = take_type_opt(argc, v2, &i, &types);
		if (r < 0)
			break;
		if (!r)
			v2[nrest++] = v2[i];
	}
	if (nrest > argc || types.n > 64)
		abort();
	char name[32];
	signal_name(size ? data[0] : 0, name, sizeof(name));
	free(copy);
	return 0;
}
