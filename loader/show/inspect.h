/* loader/show/inspect.h — `rawload inspect`: print the object model (programs, maps, relocations, BTF
 * summary) as text or JSON. Touches no kernel; this is the CLI's reading aid. */
#ifndef RAWLOAD_INSPECT_H
#define RAWLOAD_INSPECT_H

#include <stdbool.h>
#include <stdio.h>

#include "loader/obj/obj.h"

void inspect_print(const struct obj *o, const char *path, FILE *out, bool json);
/* The model in a few narrated lines (-v): what the ELF sections turned into. */
struct narrator;
void inspect_narrate(const struct obj *o, const struct narrator *say);

#endif
