/* loader/show/json.c — JSON strings straight to a stream, for the printers that write to one
 * (inspect). The escaping itself lives in common/strbuf.h. */
#include "loader/show/json.h"

#include "common/strbuf.h"

void json_strn(FILE *out, const char *s, size_t n)
{
	struct strbuf sb = {0};
	sb_json_strn(&sb, s, n);
	if (sb.len)
		fwrite(sb.buf, 1, sb.len, out);
	sb_free(&sb);
}

void json_str(FILE *out, const char *s)
{
	if (!s)
		fputs("null", out);
	else
		json_strn(out, s, strlen(s));
}
