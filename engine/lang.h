/*
 * lang.h: the rule language (lang.c): `rule`, the helpers any, all, count,
 * days_between and index, and the `lexicon` table of the policy's lexicons.
 */
#ifndef GAVEL_LANG_H
#define GAVEL_LANG_H

#include <lua.h>

#include "gavel.h"
#include "sandbox.h"

/* Puts rule, the helpers and `lexicon` into the globals G at index G, and
 * makes the registry tables behind them. [-0, +0] */
void gvlang_open(lua_State *L, int G, const gavel_policy *p);
/* Pushes the registry list of rule definitions (a sequence of tables with
 * id, outcome, cites, reason, defeats, from, until, when, file, line). */
void gvlang_rules_push(lua_State *L);
/* A new record: the texts the lexicon memo held are let go. */
void gvlang_new_record(lua_State *L, gvsb *sb);

#endif
