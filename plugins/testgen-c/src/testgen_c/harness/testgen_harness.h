/* testgen-harness: a tiny C test harness.
 *
 * A test is `TEST(name) { CHECK_EQ_INT(add(2, 3), 5); }`. The runner forks one child per
 * test, so a crash (SIGSEGV, SIGFPE, abort) fails that test only. It prints one line per test,
 * `ok NAME` or `FAIL NAME: message`, then `N passed, N failed`, and exits 1 if any failed.
 * The code under test keeps its own stdout: inside a test it is sent to stderr, so it never
 * mixes with the result lines. `./a.out NAME...` runs only the named tests.
 * Compiled with --coverage and run with TESTGEN_COVERAGE_DIR set, each test writes its own
 * coverage data under that directory.
 */
#include <limits.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST(name) static void name(void)

#ifndef TESTGEN_TEST_TIMEOUT
#define TESTGEN_TEST_TIMEOUT 10 /* seconds one test may run before it fails */
#endif

struct testgen_test {
    const char *name;
    void (*run)(void);
};

static long testgen_row = -1;      /* set by table-driven tests so a failure names its row */
static int testgen_report_fd = -1; /* where a failing check writes its message */

static void testgen_fail(const char *file, int line, const char *what)
{
    int fd = testgen_report_fd >= 0 ? testgen_report_fd : STDERR_FILENO;
    if (testgen_row >= 0)
        dprintf(fd, "%s:%d: row %ld: %s", file, line, testgen_row, what);
    else
        dprintf(fd, "%s:%d: %s", file, line, what);
    fflush(NULL);
    exit(1); /* exit(), not _exit(): coverage data is written at exit */
}

#define TESTGEN_FAILF(...)                                                  \
    do {                                                                    \
        char testgen_msg_[512];                                             \
        snprintf(testgen_msg_, sizeof testgen_msg_, __VA_ARGS__);           \
        testgen_fail(__FILE__, __LINE__, testgen_msg_);                     \
    } while (0)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond))                                                        \
            TESTGEN_FAILF("CHECK(%s) failed", #cond);                       \
    } while (0)

#define CHECK_TRUE(expr) CHECK(expr)
#define CHECK_FALSE(expr) CHECK(!(expr))

#define CHECK_EQ_INT(actual, expected)                                      \
    do {                                                                    \
        long long testgen_a_ = (long long)(actual);                         \
        long long testgen_e_ = (long long)(expected);                       \
        if (testgen_a_ != testgen_e_)                                       \
            TESTGEN_FAILF("%s == %lld, expected %lld", #actual,             \
                          testgen_a_, testgen_e_);                          \
    } while (0)

#define CHECK_EQ_UINT(actual, expected)                                     \
    do {                                                                    \
        unsigned long long testgen_a_ = (unsigned long long)(actual);       \
        unsigned long long testgen_e_ = (unsigned long long)(expected);     \
        if (testgen_a_ != testgen_e_)                                       \
            TESTGEN_FAILF("%s == %llu, expected %llu", #actual,             \
                          testgen_a_, testgen_e_);                          \
    } while (0)

/* Exact comparison: expected values are printed with full precision by the probe. */
#define CHECK_EQ_DOUBLE(actual, expected)                                   \
    do {                                                                    \
        double testgen_a_ = (double)(actual);                               \
        double testgen_e_ = (double)(expected);                             \
        if (!(testgen_a_ == testgen_e_ ||                                   \
              (isnan(testgen_a_) && isnan(testgen_e_))))                    \
            TESTGEN_FAILF("%s == %.17g, expected %.17g", #actual,           \
                          testgen_a_, testgen_e_);                          \
    } while (0)

#define CHECK_EQ_STR(actual, expected)                                      \
    do {                                                                    \
        const char *testgen_a_ = (actual);                                  \
        const char *testgen_e_ = (expected);                                \
        if (!((testgen_a_ == NULL && testgen_e_ == NULL) ||                 \
              (testgen_a_ != NULL && testgen_e_ != NULL &&                  \
               strcmp(testgen_a_, testgen_e_) == 0)))                       \
            TESTGEN_FAILF("%s == \"%s\", expected \"%s\"", #actual,         \
                          testgen_a_ ? testgen_a_ : "(null)",               \
                          testgen_e_ ? testgen_e_ : "(null)");              \
    } while (0)

/* Under `--coverage`, TESTGEN_COVERAGE_DIR makes each test write its own coverage data
 * (GCOV_PREFIX is read when the data is written), so lines can be credited to tests. */
static void testgen_coverage_per_test(const char *name)
{
    const char *dir = getenv("TESTGEN_COVERAGE_DIR");
    if (dir == NULL || *dir == '\0')
        return;
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s/%s", dir, name);
    setenv("GCOV_PREFIX", prefix, 1);
}

static int testgen_selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

/* Run one test in a child process; returns 1 when it passed. */
static int testgen_run_one(const struct testgen_test *test)
{
    int report[2];
    if (pipe(report) != 0) {
        printf("FAIL %s: pipe() failed\n", test->name);
        return 0;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("FAIL %s: fork() failed\n", test->name);
        return 0;
    }
    if (pid == 0) {
        close(report[0]);
        testgen_report_fd = report[1];
        dup2(STDERR_FILENO, STDOUT_FILENO); /* the code's own output stays off the result lines */
        testgen_coverage_per_test(test->name);
        alarm(TESTGEN_TEST_TIMEOUT);
        test->run();
        fflush(NULL);
        exit(0);
    }
    close(report[1]);
    char message[1024];
    size_t used = 0;
    ssize_t got;
    while (used + 1 < sizeof message &&
           (got = read(report[0], message + used, sizeof message - 1 - used)) > 0)
        used += (size_t)got;
    message[used] = '\0';
    for (size_t i = 0; i < used; i++)
        if (message[i] == '\n' || message[i] == '\r')
            message[i] = ' ';
    close(report[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("ok %s\n", test->name);
        return 1;
    }
    if (used)
        printf("FAIL %s: %s\n", test->name, message);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        printf("FAIL %s: timed out after %d s\n", test->name, TESTGEN_TEST_TIMEOUT);
    else if (WIFSIGNALED(status))
        printf("FAIL %s: crashed with signal %d (%s)\n", test->name, WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    else
        printf("FAIL %s: exited with status %d\n", test->name, WEXITSTATUS(status));
    return 0;
}

static int testgen_main(const struct testgen_test *tests, size_t count, int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < count; i++) {
        if (!testgen_selected(tests[i].name, argc, argv))
            continue;
        if (testgen_run_one(&tests[i]))
            passed++;
        else
            failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
