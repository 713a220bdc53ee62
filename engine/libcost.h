/*
 * libcost.h: the allow-listed library calls that loop in C, charged to the
 * record's budgets (libcost.c, docs/security.md).
 */
#ifndef GAVEL_LIBCOST_H
#define GAVEL_LIBCOST_H

#include <lua.h>

/* Replaces the looping functions of the base library (in G) and of the
 * string, table, utf8 and math tables at the indexes given by their
 * charged versions. [-0, +0] */
void gvcost_open(lua_State *L, int G, int string, int table, int utf8, int math);

#endif
