/* The probe's runtime, pasted into every probe program TestGen writes (in its scratch
 * directory, never in the project).
 *
 * testgen_probe_main(calls, count, argc, argv) forks one child per call. The child runs the
 * call, which calls the function twice and emits {"i", "value", "same"} as one JSON line to
 * the file argv[1]; the parent records a timeout (TESTGEN_CALL_TIMEOUT, by alarm), a crash
 * (signal) or an exit() for that call alone. The code's own stdout goes to /dev/null.
 */
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

static void testgen_emit_long_long(int i, long long a, long long b)
{
    dprintf(testgen_out, "{\"i\": %d, \"value\": \"%lld\", \"same\": %d}\n", i, a, a == b);
}

static void testgen_emit_unsigned_long_long(int i, unsigned long long a, unsigned long long b)
{
    dprintf(testgen_out, "{\"i\": %d, \"value\": \"%llu\", \"same\": %d}\n", i, a, a == b);
}

static void testgen_emit_double(int i, double a, double b)
{
    int same = a == b || (a != a && b != b);
    dprintf(testgen_out, "{\"i\": %d, \"value\": \"%.17g\", \"same\": %d}\n", i, a, same);
}

static void testgen_emit_const_char_p(int i, const char *a, const char *b)
{
    int same = (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
    if (a == NULL) {
        dprintf(testgen_out, "{\"i\": %d, \"value\": null, \"same\": %d}\n", i, same);
        return;
    }
    static char hex[2 * 4096 + 1];
    size_t n = strnlen(a, 4096);
    for (size_t k = 0; k < n; k++)
        snprintf(hex + 2 * k, 3, "%02x", (unsigned char)a[k]);
    hex[2 * n] = '\0';
    dprintf(testgen_out, "{\"i\": %d, \"value\": \"%s\", \"same\": %d}\n", i, hex, same);
}

typedef void (*testgen_call)(void);

static int testgen_probe_main(const testgen_call *calls, int count, int argc, char **argv)
{
    if (argc < 2)
        return 2;
    testgen_out = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (testgen_out < 0)
        return 2;
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
        dup2(devnull, STDOUT_FILENO); /* the code's own output is not an observation */
    for (int i = 0; i < count; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return 3;
        if (pid == 0) {
            alarm(TESTGEN_CALL_TIMEOUT);
            calls[i]();
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            dprintf(testgen_out, "{\"i\": %d, \"outcome\": \"timeout\"}\n", i);
        else if (WIFSIGNALED(status))
            dprintf(testgen_out, "{\"i\": %d, \"outcome\": \"crash\", \"signal\": %d, "
                    "\"name\": \"%s\"}\n", i, WTERMSIG(status), strsignal(WTERMSIG(status)));
        else if (WEXITSTATUS(status) != 0)
            dprintf(testgen_out, "{\"i\": %d, \"outcome\": \"exit\", \"status\": %d}\n", i,
                    WEXITSTATUS(status));
    }
    return 0;
}
