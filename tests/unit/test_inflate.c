/* tests/unit/test_inflate.c — gunzip against the system's gzip: text, incompressible bytes (stored
 * blocks), a tiny input (fixed Huffman codes), a header with a file name, levels 1 and 9; then
 * every truncation and single-byte corruption must fail with a message, never crash. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "common/inflate.h"

/* gzip's output for data[0..n) with the given options; NULL when gzip is unusable. */
static uint8_t *gzip_of(const uint8_t *data, size_t n, const char *opts, size_t *out_n)
{
	char in[] = "/tmp/rawload-gz-XXXXXX";
	int fd = mkstemp(in);
	if (fd < 0)
		return NULL;
	size_t w = (size_t)write(fd, data, n);
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "gzip -c %s %s", opts, in);
	FILE *p = popen(cmd, "r");
	uint8_t *buf = malloc(n + n / 2 + 1024);
	*out_n = p && buf && w == n ? fread(buf, 1, n + n / 2 + 1024, p) : 0;
	int st = p ? pclose(p) : -1;
	unlink(in);
	if (st != 0 || !*out_n) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void round_trip(const char *what, const uint8_t *data, size_t n, const char *opts)
{
	size_t gz_n, out_n = 0;
	uint8_t *gz = gzip_of(data, n, opts, &gz_n), *out = NULL;
	struct diag d = {""};
	REQUIRE(gz, "%s: gzip %s failed", what, opts);
	int err = gunzip(gz, gz_n, n + 1, &out, &out_n, &d);
	CHECK(err == 0, "%s (gzip %s): %s", what, opts, d.msg);
	CHECK(!err && out_n == n && memcmp(out, data, n) == 0 && out[n] == '\0', "%s (gzip %s): %zu bytes back, want %zu",
	      what, opts, out_n, n);
	free(out);
	out = NULL;
	if (n > 1) {
		err = gunzip(gz, gz_n, n - 1, &out, &out_n, &d);
		CHECK(err == -E2BIG && strstr(d.msg, "gzip: more than"), "%s: limit %zu: %d %s", what, n - 1, err, d.msg);
		free(out);
	}
	free(gz);
}

static uint8_t *text(size_t n)
{
	uint8_t *t = malloc(n);
	static const char *const words[] = {"CONFIG_", "BPF", "=y\n", "NET", "_SYSCALL", "# is not set\n", "HZ=", "250\n"};
	for (size_t i = 0, w = 7; i < n;) {
		w = (w * 1103515245 + 12345) & 0x7fffffff;
		const char *s = words[w % 8];
		for (size_t k = 0; s[k] && i < n; k++)
			t[i++] = (uint8_t)s[k];
	}
	return t;
}

TEST(gunzip_matches_gzip)
{
	uint8_t *t = text(200000), noise[70000];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(noise); i++) {
		x = x * 1664525 + 1013904223;
		noise[i] = (uint8_t)(x >> 24);
	}
	round_trip("text", t, 200000, "-n -9");
	round_trip("text", t, 200000, "-n -1");
	round_trip("text with its file name in the header", t, 5000, "-N");
	round_trip("incompressible bytes (stored blocks)", noise, sizeof(noise), "-n");
	round_trip("five bytes (fixed codes)", (const uint8_t *)"hello", 5, "-n");
	round_trip("nothing", (const uint8_t *)"", 0, "-n");
	free(t);
}

TEST(gunzip_refuses_damage)
{
	uint8_t *t = text(3000);
	size_t gz_n, out_n;
	uint8_t *gz = gzip_of(t, 3000, "-n -9", &gz_n), *out;
	struct diag d;
	REQUIRE(gz, "gzip failed");
	for (size_t cut = 0; cut < gz_n; cut++) {
		d.msg[0] = '\0';
		out = NULL;
		int err = gunzip(gz, cut, 1 << 20, &out, &out_n, &d);
		CHECK(err == -EINVAL && strncmp(d.msg, "gzip: ", 6) == 0, "cut at %zu of %zu: %d '%s'", cut, gz_n, err, d.msg);
		if (!err)
			free(out);
	}
	/* Every single-byte change past the header's time field is caught (by the decoder or by the
	 * CRC-32 and length check), except in the padding bits of the last data byte: there, success
	 * must give back the original. */
	for (size_t i = 10; i < gz_n; i++) {
		for (int flip = 1; flip < 256; flip <<= 3) {
			gz[i] ^= (uint8_t)flip;
			d.msg[0] = '\0';
			int err = gunzip(gz, gz_n, 1 << 20, &out, &out_n, &d);
			bool padding = i == gz_n - 9 && !err && out_n == 3000 && memcmp(out, t, 3000) == 0;
			CHECK((err < 0 && d.msg[0]) || padding, "byte %zu ^ %#x accepted", i, flip);
			if (!err)
				free(out);
			gz[i] ^= (uint8_t)flip;
		}
	}
	free(gz);
	free(t);
}
