/* The probe's runtime, pasted into every probe program TestGen writes (in its scratch
 * directory, never in the project).
 *
 * It speaks the JSON-lines protocol of testgen.kit.probehost. `probe RECORDS CALL_MS ID...`
 * runs the calls ID... of the program's call table and appends to the file RECORDS
 * {"event": "start", "id": ID} before each call, {"event": "result", "id": ID, ...} after it
 * and {"event": "done"} at the end. Each call runs in a forked child that calls the function
 * twice (to see whether it is deterministic) and writes the result {"value", "same"}. When the
 * child does not get there, the parent writes it: "outcome" "timeout" (past CALL_MS, by
 * alarm), "crash" (a signal) or "exit" (the code called exit()). The code's own stdout goes
 * to /dev/null.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int testgen_out = -1;

#define TESTGEN_RESULT "{\"event\": \"result\", \"id\": %d, "

static void testgen_emit_long_long(int i, long long a, long long b)
{
    dprintf(testgen_out, TESTGEN_RESULT "\"value\": \"%lld\", \"same\": %d}\n", i, a, a == b);
}

static void testgen_emit_unsigned_long_long(int i, unsigned long long a, unsigned long long b)
{
    dprintf(testgen_out, TESTGEN_RESULT "\"value\": \"%llu\", \"same\": %d}\n", i, a, a == b);
}

static void testgen_emit_double(int i, double a, double b)
{
    int same = a == b || (a != a && b != b);
    dprintf(testgen_out, TESTGEN_RESULT "\"value\": \"%.17g\", \"same\": %d}\n", i, a, same);
}

static void testgen_emit_const_char_p(int i, const char *a, const char *b)
{
    int same = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
    if (a == NULL) {
        dprintf(testgen_out, TESTGEN_RESULT "\"value\": null, \"same\": %d}\n", i, same);
        return;
    }
    static char hex[2 * 4096 + 1];
    size_t n = strnlen(a, 4096);
    for (size_t k = 0; k < n; k++)
        snprintf(hex + 2 * k, 3, "%02x", (unsigned char)a[k]);
    hex[2 * n] = '\0';
    dprintf(testgen_out, TESTGEN_RESULT "\"value\": \"%s\", \"same\": %d}\n", i, hex, same);
}

typedef void (*testgen_call)(void);

static int testgen_probe_main(const testgen_call *calls, int count, int argc, char **argv)
{
    if (argc < 3)
        return 2;
    testgen_out = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (testgen_out < 0)
        return 2;
    unsigned seconds = (unsigned)((atol(argv[2]) + 999) / 1000);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
        dup2(devnull, STDOUT_FILENO); /* the code's own output is not an observation */
    for (int k = 3; k < argc; k++) {
        int i = atoi(argv[k]);
        if (i < 0 || i >= count)
            continue;
        dprintf(testgen_out, "{\"event\": \"start\", \"id\": %d}\n", i);
        off_t before = lseek(testgen_out, 0, SEEK_END);
        pid_t pid = fork();
        if (pid < 0) {
            dprintf(testgen_out, "{\"event\": \"fatal\", \"reason\": \"fork: %s\"}\n",
                    strerror(errno));
            return 3;
        }
        if (pid == 0) {
            alarm(seconds);
            calls[i]();
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (lseek(testgen_out, 0, SEEK_END) > before)
            continue; /* the child wrote the result */
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            dprintf(testgen_out, TESTGEN_RESULT "\"outcome\": \"timeout\"}\n", i);
        else if (WIFSIGNALED(status))
            dprintf(testgen_out, TESTGEN_RESULT "\"outcome\": \"crash\", \"signal\": %d, "
                    "\"name\": \"%s\"}\n", i, WTERMSIG(status), strsignal(WTERMSIG(status)));
        else
            dprintf(testgen_out, TESTGEN_RESULT "\"outcome\": \"exit\", \"status\": %d}\n", i,
                    WEXITSTATUS(status));
    }
    dprintf(testgen_out, "{\"event\": \"done\"}\n");
    return 0;
}
