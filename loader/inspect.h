/* loader/inspect.h — `rawload inspect`: print the object model (programs, maps, relocations, BTF
 * summary) as text or JSON. Touches no kernel; this is the CLI's reading aid. */
#ifndef RAWLOAD_INSPECT_H
#define RAWLOAD_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

#include "loader/obj.h"

void inspect_print(const struct obj *o, const char *path, FILE *out, bool json);

#endif
