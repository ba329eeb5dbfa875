/* tests/kernel/ktest.c — helpers for kernel tests that load whole objects (see ktest.h).
 * Owns reading/parsing/loading test objects, test runs, frame building, object info and map-slot
 * reads, bpftool and /proc reads. Doesn't own assertions (the tests CHECK; the map-slot readers
 * CHECK their lookup) nor any cleanup beyond what it made itself. */
#include "ktest.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/sys.h"

const char *ktest_bpf_unavailable(void)
{
	if (geteuid() != 0)
		return "needs root";
	struct sys_map_def def = {.name = "rl_probe", .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				  .value_size = 4, .max_entries = 1};
	int fd = sys_map_create(&def);
	if (fd < 0)
		return "bpf() does not work here (BPF_MAP_CREATE failed)";
	close(fd);
	return NULL;
}

/* ---- objects ------------------------------------------------------------------------------------ */

int kobj_open(struct kobj *k, const char *relpath)
{
	memset(k, 0, sizeof(*k));
	const char *path = test_path(relpath);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return k->err = diag_set(&k->d, -errno, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return k->err = diag_set(&k->d, -EINVAL, "%s: empty or unreadable", path);
	}
	k->size = (size_t)st.st_size;
	k->buf = malloc(k->size);
	size_t got = 0;
	while (k->buf && got < k->size) {
		ssize_t n = read(fd, k->buf + got, k->size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!k->buf || got != k->size) {
		free(k->buf);
		k->buf = NULL;
		return k->err = diag_set(&k->d, -EIO, "%s: short read", path);
	}
	int err = obj_parse(&k->o, path, k->buf, k->size, &k->d);
	if (err)
		return k->err = err;
	k->parsed = true;
	return k->err = 0;
}

int kobj_load_opened(struct kobj *k, const struct load_opts *opts)
{
	if (!k->parsed)
		return k->err ? k->err : -EINVAL;
	int err = load_object(&k->o, opts, &k->l, &k->d);
	k->tried = true;
	k->loaded = err == 0;
	return k->err = err;
}

int kobj_load(struct kobj *k, const char *relpath, const struct load_opts *opts)
{
	int err = kobj_open(k, relpath);
	return err ? err : kobj_load_opened(k, opts);
}

void kobj_close(struct kobj *k)
{
	if (k->tried)
		load_close(&k->l);
	if (k->parsed)
		obj_close(&k->o);
	free(k->buf);
	memset(k, 0, sizeof(*k));
}

int kobj_prog_fd(const struct kobj *k, const char *name)
{
	if (!k->loaded)
		return -1;
	int i = obj_find_prog(&k->o, name);
	return i < 0 ? -1 : k->l.prog_fds[i];
}

int kobj_map_fd(const struct kobj *k, const char *name)
{
	if (!k->loaded)
		return -1;
	int i = obj_find_map(&k->o, name);
	return i < 0 ? -1 : k->l.map_fds[i];
}

/* ---- test runs and frames ----------------------------------------------------------------------- */

int64_t ktest_run(int prog_fd, const void *pkt, size_t len, uint32_t repeat)
{
	struct sys_test_run t;
	memset(&t, 0, sizeof(t));
	t.prog_fd = prog_fd;
	t.repeat = repeat;
	t.data_in = pkt;
	t.data_size_in = (uint32_t)len;
	int r = sys_prog_test_run(&t);
	return r < 0 ? r : (int64_t)t.retval;
}

static size_t put_eth(uint8_t *buf, uint16_t proto)
{
	static const uint8_t dst[6] = {2, 0, 0, 0, 0, 2}, src[6] = {2, 0, 0, 0, 0, 1};
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = (uint8_t)(proto >> 8);
	buf[13] = (uint8_t)proto;
	return 14;
}

static uint16_t csum16(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t ktest_frame_ipv4(uint8_t *buf, size_t cap, const char *src, const char *dst, uint8_t ttl,
			uint8_t proto, size_t payload_len)
{
	size_t l4 = (proto == 17 || proto == 1) ? 8 : 0;
	size_t len = 14 + 20 + l4 + payload_len;
	struct in_addr s, d;
	if (len > cap || len > 0xffff || inet_pton(AF_INET, src, &s) != 1 || inet_pton(AF_INET, dst, &d) != 1)
		return 0;
	memset(buf, 0, len);
	size_t off = put_eth(buf, 0x0800);
	uint8_t *ip = buf + off;
	uint16_t tot = (uint16_t)(len - 14);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = 0x40; /* DF */
	ip[8] = ttl;
	ip[9] = proto;
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	uint16_t c = csum16(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	uint8_t *l = ip + 20;
	if (proto == 17) {
		uint16_t ulen = (uint16_t)(8 + payload_len);
		l[0] = 0x30, l[1] = 0x39;             /* sport 12345 */
		l[2] = 0x1f, l[3] = 0x90;             /* dport 8080 */
		l[4] = (uint8_t)(ulen >> 8), l[5] = (uint8_t)ulen;
	} else if (proto == 1) {
		l[0] = 8;                             /* echo request */
		uint16_t ic = csum16(l, 8 + payload_len);
		l[2] = (uint8_t)(ic >> 8), l[3] = (uint8_t)ic;
	}
	return len;
}

size_t ktest_frame_arp(uint8_t *buf, size_t cap, const char *sender, const char *target)
{
	size_t len = 14 + 28;
	struct in_addr s, t;
	if (len > cap || inet_pton(AF_INET, sender, &s) != 1 || inet_pton(AF_INET, target, &t) != 1)
		return 0;
	memset(buf, 0, len);
	size_t off = put_eth(buf, 0x0806);
	memset(buf, 0xff, 6); /* broadcast */
	uint8_t *a = buf + off;
	a[1] = 1;          /* htype Ethernet */
	a[2] = 0x08;       /* ptype IPv4 */
	a[4] = 6, a[5] = 4;
	a[7] = 1;          /* request */
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
	memcpy(a + 8, mac, 6);
	memcpy(a + 14, &s, 4);
	memcpy(a + 24, &t, 4);
	return len;
}

size_t ktest_frame_ipv6(uint8_t *buf, size_t cap)
{
	size_t len = 14 + 40 + 8;
	if (len > cap)
		return 0;
	memset(buf, 0, len);
	size_t off = put_eth(buf, 0x86dd);
	uint8_t *ip = buf + off;
	ip[0] = 0x60;
	ip[5] = 8;         /* payload length */
	ip[6] = 17;        /* next header UDP */
	ip[7] = 64;        /* hop limit */
	ip[8] = 0xfd, ip[23] = 1;  /* fd00::1 */
	ip[24] = 0xfd, ip[39] = 2; /* fd00::2 */
	uint8_t *u = ip + 40;
	u[0] = 0x30, u[1] = 0x39, u[2] = 0x1f, u[3] = 0x90, u[5] = 8;
	return len;
}

/* ---- kernel object info ------------------------------------------------------------------------ */

int ktest_map_info(int fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	return sys_obj_info(fd, info, &len);
}

int ktest_prog_info(int fd, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);
	memset(info, 0, sizeof(*info));
	return sys_obj_info(fd, info, &len);
}

uint32_t ktest_map_id(int fd)
{
	struct bpf_map_info info;
	return fd >= 0 && ktest_map_info(fd, &info) == 0 ? info.id : 0;
}

uint32_t ktest_prog_id(int fd)
{
	struct bpf_prog_info info;
	return fd >= 0 && ktest_prog_info(fd, &info) == 0 ? info.id : 0;
}

uint32_t ktest_btf_id(int btf_fd)
{
	struct bpf_btf_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return btf_fd >= 0 && sys_obj_info(btf_fd, &info, &len) == 0 ? info.id : 0;
}

uint64_t read_u64(int fd, uint32_t key)
{
	uint64_t v = ~0ull;
	int err = sys_map_lookup(fd, &key, &v, 0);
	CHECK(err == 0, "lookup [%u]: %s", key, sys_errno_name(err));
	return v;
}

uint32_t read_u32(int fd, uint32_t key)
{
	uint32_t v = ~0u;
	int err = sys_map_lookup(fd, &key, &v, 0);
	CHECK(err == 0, "lookup [%u]: %s", key, sys_errno_name(err));
	return v;
}

/* ---- commands and JSON -------------------------------------------------------------------------- */

static char *vpopen(int *status, const char *fmt, va_list ap)
{
	char cmd[4096];
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	fflush(stdout);
	fflush(stderr);
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);
	while (out) {
		if (len + 1024 > cap) {
			char *p = realloc(out, cap * 2);
			if (!p) {
				free(out);
				out = NULL;
				break;
			}
			out = p;
			cap *= 2;
		}
		size_t n = fread(out + len, 1, cap - len - 1, f);
		if (n == 0)
			break;
		len += n;
	}
	int st = pclose(f);
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (out)
		out[len] = '\0';
	return out;
}

char *ktest_popen(int *status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = vpopen(status, fmt, ap);
	va_end(ap);
	return out;
}

char *ktest_bpftool(const char *fmt, ...)
{
	char args[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	int st = -1;
	char *out = ktest_popen(&st, "bpftool -j %s 2>/dev/null", args);
	if (out && st != 0) {
		free(out);
		out = NULL;
	}
	return out;
}

static const char *json_value(const char *json, const char *key)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = json ? strstr(json, pat) : NULL;
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	return p;
}

int ktest_json_u64(const char *json, const char *key, uint64_t *out)
{
	const char *p = json_value(json, key);
	if (!p)
		return -ENOENT;
	if (!strncmp(p, "true", 4))
		*out = 1;
	else if (!strncmp(p, "false", 5))
		*out = 0;
	else if (*p >= '0' && *p <= '9')
		*out = strtoull(p, NULL, 10);
	else
		return -ENOENT;
	return 0;
}

int ktest_json_str(const char *json, const char *key, char *out, size_t n)
{
	const char *p = json_value(json, key);
	if (!p || *p != '"' || n == 0)
		return -ENOENT;
	p++;
	size_t i = 0;
	while (*p && *p != '"' && i + 1 < n)
		out[i++] = *p++;
	out[i] = '\0';
	return 0;
}

void ktest_note(const char *fmt, ...)
{
	if (!getenv("RAWLOAD_NOTES"))
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "  note: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- processes and files ------------------------------------------------------------------------ */

int ktest_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory stream's own fd */
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int ktest_rm_bpffs_tree(const char *dir)
{
	static const char root[] = "/sys/fs/bpf/";
	if (strncmp(dir, root, sizeof(root) - 1) != 0 || strstr(dir, "..") || !dir[sizeof(root) - 1])
		return -EPERM;
	if (!ktest_exists(dir))
		return 0;
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -errno;
}

void ktest_bpffs_dir(char *out, size_t n, const char *tag)
{
	snprintf(out, n, "/sys/fs/bpf/rawload-%s-%d", tag, (int)getpid());
}

bool ktest_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}
