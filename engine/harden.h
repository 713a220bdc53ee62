/*
 * harden.h: what makes the Lua state safe for untrusted rules (harden.c):
 * the allow-list environment, freezing policy data, and the guarded
 * versions of the library functions that could leak state, addresses or
 * unbounded work (docs/security.md).
 */
#ifndef GAVEL_HARDEN_H
#define GAVEL_HARDEN_H

#include <lua.h>
#include <stddef.h>

/* Opens the allowed parts of the standard libraries into a new table G, the
 * sandbox's globals, and returns its index. [-0, +2]: the base library and G. */
int  gvhard_open_env(lua_State *L);
/* Once everything is in G: strict globals, the standard tables frozen, and
 * G in place of the real globals. [-0, +0] */
void gvhard_seal(lua_State *L, int G);
/* Freezes every table reachable from the value at idx, watching the locals
 * Lua functions captured (gvhard_check_upvalues). [-0, +0] */
void gvhard_freeze_reachable(lua_State *L, int idx, int root_is_globals);
/* After a record: did a rule reassign a captured local that is not a table?
 * Restores every such local and describes the first in msg. Runs protected. */
int  gvhard_check_upvalues(lua_State *L, char *msg, size_t msglen);
/* The __newindex of read-only tables: raises. */
int  gvhard_readonly(lua_State *L);

#endif
