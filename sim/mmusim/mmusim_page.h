#ifndef MMUSIM_PAGE_H
#define MMUSIM_PAGE_H

#include <stdbool.h>

struct cJSON;

/*
 * The self-contained HTML pages of the lecture commands (explain --html, amat --html): one file with its CSS and
 * JavaScript inline and the command's JSON embedded, which the script draws; nothing is loaded from anywhere. The
 * script is one of the page's assets (sim/mmusim/page/). Written whole or not at all (cli_out_write). Returns 0, or
 * 2 after the message naming the file.
 */
typedef enum page_kind { PAGE_EXPLAIN, PAGE_AMAT } page_kind_t;

int page_write(const char *path, bool replace, page_kind_t kind, const char *title, const struct cJSON *data);

#endif
