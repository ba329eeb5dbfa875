/* loader/show/json.h — the few helpers the CLI needs to write JSON by hand: quoted, escaped strings.
 * Output structure is written by each printer itself; there is no JSON tree. */
#ifndef RAWLOAD_JSON_H
#define RAWLOAD_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write s as a JSON string literal (quotes included); null when s is NULL. */
void json_str(FILE *out, const char *s);
/* Same for n bytes that may hold NULs or non-UTF-8 (escaped as \u00XX). */
void json_strn(FILE *out, const char *s, size_t n);

#endif
