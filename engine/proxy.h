/*
 * proxy.h: the read-only proxies through which rules see records and the
 * context (proxy.c).
 */
#ifndef GAVEL_PROXY_H
#define GAVEL_PROXY_H

#include <lua.h>

#include "sandbox.h"
#include "value.h"

/* Makes the proxy metatable and the record's cache, and puts the
 * proxy-aware type and ipairs into the globals at index G. [-0, +0] */
void gvproxy_open(lua_State *L, int G);
/* Pushes what rules see for a value (tables as proxies, scalars as Lua
 * values). in_context marks the `ctx` tree for missing-field reports. */
void gvproxy_push(lua_State *L, const gv_value *v, int in_context);
/* Is the value at idx a current record proxy? Returns its value or NULL. */
const gv_value *gvproxy_value(lua_State *L, int idx);
/* The same, and whether it is the context's (1) or the record's (0). */
const gv_value *gvproxy_value_where(lua_State *L, int idx, int *in_context);
/* A new record: the cache lets the last record's values go. */
void gvproxy_new_record(lua_State *L, gvsb *sb);

#endif
