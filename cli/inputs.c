/*
 * inputs.c: "each INPUT in turn, stdin when none is given" for the commands
 * that read records (eval, diff, replay): opens a gavel_reader per input,
 * hands out records in order, numbered across all inputs (each reader
 * numbers on from where the one before ended), and says which inputs could
 * not be read. Declared in cli.h; calls only gavel.h.
 */
#include "cli.h"

#include <string.h>

void cli_inputs_init(cli_inputs *in, char *const *paths, int n, gavel_format format,
                     const gavel_limits *limits)
{
    static char *const stdin_only[] = { "-" };
    memset(in, 0, sizeof *in);
    in->paths = n ? paths : stdin_only;
    in->npaths = n ? n : 1;
    in->format = format;
    in->limits = limits;
}

void cli_inputs_skip(cli_inputs *in)
{
    if (!in->rd)
        return;
    in->done_bytes += gavel_reader_offset(in->rd);
    in->position = gavel_reader_position(in->rd);
    gavel_reader_free(in->rd);
    in->rd = NULL;
}

int cli_inputs_next(cli_inputs *in, gavel_record *rec)
{
    for (;;) {
        if (in->unreadable && in->stop_on_error)
            return 0;
        if (!in->rd) {
            if (in->cur >= in->npaths)
                return 0;
            const char *path = in->paths[in->cur++];
            in->rd = gavel_reader_open(path, in->format, in->limits);
            gavel_reader_defer_parsing(in->rd, in->defer);
            if (!in->rd || gavel_reader_status(in->rd) != GAVEL_OK) {
                cli_error("%s", in->rd ? gavel_reader_errmsg(in->rd) : "out of memory");
                in->unreadable = 1;
                gavel_reader_free(in->rd);
                in->rd = NULL;
                continue;
            }
            gavel_reader_set_position(in->rd, in->position);
        }
        int st = gavel_reader_next(in->rd, rec);
        if (st == 1)
            return 1;
        if (st < 0) {
            cli_error("%s", gavel_reader_errmsg(in->rd));
            in->unreadable = 1;
        }
        cli_inputs_skip(in);
    }
}

uint64_t cli_inputs_offset(const cli_inputs *in)
{
    return in->done_bytes + (in->rd ? gavel_reader_offset(in->rd) : 0);
}

void cli_inputs_close(cli_inputs *in)
{
    gavel_reader_free(in->rd);
    in->rd = NULL;
}
