/*
 * sandbox.h: the Lua state a policy runs in (sandbox.c): its allocator with
 * the memory cap, the instruction and wall-clock budgets, and building the
 * state from the allow-list (harden.h), the rule language (lang.h) and the
 * record proxies (proxy.h).
 */
#ifndef GAVEL_SANDBOX_H
#define GAVEL_SANDBOX_H

#include <lua.h>
#include <stdint.h>

#include "gavel.h"
#include "lexicon.h"
#include "value.h"

typedef enum gvsb_trip {
    GVSB_OK = 0, GVSB_INSTRUCTIONS, GVSB_DEADLINE, GVSB_MEMORY
} gvsb_trip;

/* Callbacks and per-record state for one Lua state. It lives in the state's
 * extra space so the allocator, hook and proxies reach it in O(1). */
enum { GVSB_LEXMEMO = 32 };   /* texts a record's rules search, remembered */

typedef struct gvsb {
    lua_State *L;                   /* set once lua_newstate returns */
    size_t    mem_used, mem_limit;
    size_t    mem_gate;             /* mem_limit (SIZE_MAX for none), or 0 while a
                                       refusal is pending: the allocator's one test */
    int       mem_refused;          /* a refusal awaiting Lua's emergency GC retry */
    void     *refused_ptr;          /* ... of this block */
    size_t    refused_size;         /* ... to this size */
    uint64_t  budget, spent;        /* instructions */
    uint64_t  deadline_ns;          /* CLOCK_MONOTONIC; 0 = none */
    uint32_t  millis;
    gvsb_trip trip;                 /* sticky until gvsb_arm */
    int       hook_soon;            /* a big allocation brought the next hook forward */
    int       loading;              /* `rule` may be called */
    uint32_t  gen;                  /* record generation: stale proxies fail */
    int       cur_rule;             /* rule being evaluated, -1 = none */
    const char *as_of;
    const gv_value *record, *context;
    const gavel_policy *policy;
    /* The evaluator learns about missing fields through this. */
    void (*on_missing)(void *ud, const gv_value *obj, const char *key,
                       size_t klen, int in_context);
    /* Every key a rule reads, present or not; NULL except for lints. */
    void (*on_read)(void *ud, const gv_value *obj, const char *key,
                    size_t klen, int in_context);
    void *ud;
    /* Lexicon answers for the texts of the current record (lang.c): the
     * rules of a policy often search one text for several lexicons, or
     * for one twice. Hashed by the text's address; valid for
     * generation `gen`; each entry's text is anchored (a Lua table in the
     * registry) until the next record, so its address is not reused
     * meanwhile. */
    struct gvsb_lexmemo {
        const char  *text;
        size_t       len;
        const gvlex *uni;
        uint32_t     gen;
        const char  *found[GVLEX_UNION_MAX];
    } lexmemo[GVSB_LEXMEMO];
    uint32_t lexmemo_anchored;      /* entries whose text is anchored */
    /* The record's cache (proxy.c): gv_value address -> slot of the
     * cache table, entries of other generations free. Plain malloc, not
     * the Lua allocator: at most twice the values a record hands out, 16
     * bytes each, kept at the largest record's size. */
    struct gvsb_slot {
        const void *key;
        uint32_t    slot, gen;
    } *slots;
    uint32_t slots_cap, slots_used, nslots;
    /* The context's generation: eval.c bumps it whenever it sets a
     * context, so the indexes lang.c built over the last one (which it
     * keeps for index_gen) are let go. */
    uint32_t ctx_gen, index_gen;
    uint32_t index_builds;          /* indexes built by this state (for tests) */
} gvsb;

/* A new state with the sandbox built from the allow-list, the helpers and
 * the policy's lexicons. NULL with msg set on failure. */
lua_State *gvsb_new(const gavel_policy *p, gvsb *sb, char *msg, size_t msglen);
void       gvsb_close(lua_State *L);
/* The sandbox of a state (kept in its extra space). */
static inline gvsb *gvsb_get(lua_State *L) { return *(gvsb **)lua_getextraspace(L); }

/* Runs every rule file of the policy in L; rule definitions accumulate in
 * a list in the registry (gvlang_rules_push). Then freezes everything the
 * files made. On error returns -1 with file:line in msg. */
int  gvsb_load_rules(lua_State *L, const gavel_policy *p, char *msg, size_t msglen);

/* Starts the budgets for one record (or one file load). */
void gvsb_arm(lua_State *L);
/* After a rule: a memory refusal Lua did not retry (it raised, and rule
 * code may have caught it) becomes the sticky memory trip. */
void gvsb_settle_memory(lua_State *L);
const char *gvsb_trip_message(const gvsb *sb);
/* Starts a new record: stale proxies and lexicon answers from earlier
 * records stop counting. */
void gvsb_new_record(lua_State *L);

/* The count hook runs every GVSB_HOOK_EVERY instructions. An allocation
 * that grows the state by GVSB_BIG_ALLOC bytes or more (a long string from
 * `..`, rep, concat, gsub, format, a table's resize) is charged
 * bytes/GVSB_BYTES_PER_UNIT units and brings the next hook (budget and
 * clock check) forward to the next instruction: the copy that follows such
 * an allocation is work the hook would not see. */
enum { GVSB_HOOK_EVERY = 1000, GVSB_BIG_ALLOC = 64 * 1024, GVSB_BYTES_PER_UNIT = 16 };

/* Work a C function does in one call, in instruction-sized units: the
 * hook sees one instruction for a call however long it runs, so the
 * functions whose work grows with their input (pairs and next over a big
 * table, sort, lexicon and pattern scans) count it here, and check the
 * deadline, as the hook would. Raises once a budget is exceeded. Inline:
 * proxy reads and lexicon finds call it on every use. */
void gvsb_charge_slow(lua_State *L, gvsb *sb, uint64_t units);

static inline void gvsb_charge(lua_State *L, uint64_t units)
{
    gvsb *sb = gvsb_get(L);
    sb->spent += units;
    if (sb->trip || (sb->budget && sb->spent > sb->budget) || units >= GVSB_HOOK_EVERY)
        gvsb_charge_slow(L, sb, units);
}

#endif
