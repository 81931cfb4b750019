// GNU readline (GPL-3): the line editor of the interactive shell.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
