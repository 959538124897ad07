/*
** notify.c — runs an operator's notify script (FastNetMon's contract,
** issue 16): the one file of the flow module that forks, so that the
** argument and stdin building stays pure and testable (fnm.c).
**
** FastNetMon runs the script through popen (a shell parses the command
** line) in a detached thread and waits for it without a limit. Here the
** script is exec'd directly (an address from the wire never meets a
** shell), in its own process group so that a timeout kills what it
** started too, with a minimal environment (the server's variables may
** hold database passwords) and without Parapet's descriptors (a script
** that backgrounds a child must not keep the listening socket open).
*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flow/flow.h"

/* The child: never returns. Only async-signal-safe calls after fork. */
static void child(const char *const argv[], int in_fd, int out_fd)
{
	static char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				      "LANG=C", NULL };
	setpgid(0, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	/* everything above stderr is Parapet's */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	execve(argv[0], (char *const *)argv, envp);
	_exit(127);
}

int flow_notify_run(const char *const argv[], const void *in, size_t n_in, int64_t timeout_ms,
		    struct pbuf *out, struct perr *err)
{
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 }, rc = -1;
	pid_t pid = -1;
	if (!argv || !argv[0] || argv[0][0] != '/')
		return perr_set(err, PERR_INVALID, "notify_script", "the script needs an absolute path");
	if (pipe2(inp, O_CLOEXEC) != 0 || pipe2(outp, O_CLOEXEC) != 0) {
		perr_set(err, PERR_INTERNAL, NULL, "pipe: %s", strerror(errno));
		goto out;
	}
	/* SIGPIPE when the script exits without reading stdin: blocked in
	** this thread while writing, and a pending one taken back before
	** the mask is restored, so the process's disposition is untouched. */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	pid = fork();
	if (pid == 0)
		child(argv, inp[0], outp[1]);
	if (pid < 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		perr_set(err, PERR_INTERNAL, NULL, "fork: %s", strerror(errno));
		goto out;
	}
	setpgid(pid, pid); /* also here: no race with the child's own call */
	close(inp[0]);
	close(outp[1]);
	inp[0] = outp[1] = -1;
	fcntl(inp[1], F_SETFL, O_NONBLOCK);
	fcntl(outp[0], F_SETFL, O_NONBLOCK);
	if (n_in == 0) {
		close(inp[1]);
		inp[1] = -1;
	}
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int64_t deadline = core_mono_ms() + timeout_ms;
	const char *src = in;
	size_t done = 0;
	bool exited = false, timed_out = false;
	int status = 0;
	while (!exited) {
		struct pollfd pf[3];
		int np = 0, i_in = -1, i_out = -1, i_pid = -1;
		if (inp[1] >= 0) {
			pf[np] = (struct pollfd){ .fd = inp[1], .events = POLLOUT };
			i_in = np++;
		}
		if (outp[0] >= 0) {
			pf[np] = (struct pollfd){ .fd = outp[0], .events = POLLIN };
			i_out = np++;
		}
		if (pidfd >= 0) {
			pf[np] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
			i_pid = np++;
		}
		int64_t left = deadline - core_mono_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		/* without a pidfd (kernel < 5.3) look at the child every 50 ms */
		int wait_ms = pidfd >= 0 ? (int)(left > 1000 ? 1000 : left) : (left > 50 ? 50 : (int)left);
		int pr = poll(pf, (nfds_t)np, wait_ms);
		if (pr < 0 && errno != EINTR) {
			perr_set(err, PERR_INTERNAL, NULL, "poll: %s", strerror(errno));
			timed_out = true; /* kill it: we cannot watch it */
			break;
		}
		if (i_in >= 0 && pf[i_in].revents) {
			ssize_t w = write(inp[1], src + done, n_in - done);
			if (w > 0)
				done += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || done == n_in) {
				/* EPIPE: the script does not read stdin, which the
				** contract allows (the stock script's unban path) */
				close(inp[1]);
				inp[1] = -1;
			}
		}
		if (i_out >= 0 && pf[i_out].revents) {
			char buf[4096];
			ssize_t r = read(outp[0], buf, sizeof(buf));
			if (r > 0 && out && !pbuf_failed(out)) {
				size_t room = out->max > out->len ? out->max - out->len - 1 : 0;
				pbuf_add(out, buf, (size_t)r < room ? (size_t)r : room);
			}
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				close(outp[0]);
				outp[0] = -1;
			}
		}
		if (i_pid >= 0 && !pf[i_pid].revents)
			continue;
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			exited = true;
	}
	if (timed_out) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (!err || err->kind == PERR_OK)
			perr_set(err, PERR_BUSY, "notify_script", "%s did not finish within %lld ms",
				 argv[0], (long long)timeout_ms);
	} else if (WIFEXITED(status)) {
		rc = WEXITSTATUS(status);
		/* what is left in the pipe; a child the script left behind that
		** still holds it is not waited for */
		char buf[4096];
		ssize_t r;
		while (outp[0] >= 0 && (r = read(outp[0], buf, sizeof(buf))) > 0)
			if (out && !pbuf_failed(out)) {
				size_t room = out->max > out->len ? out->max - out->len - 1 : 0;
				pbuf_add(out, buf, (size_t)r < room ? (size_t)r : room);
			}
	} else {
		perr_set(err, PERR_INTERNAL, "notify_script", "%s was killed by signal %d", argv[0],
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
	if (pidfd >= 0)
		close(pidfd);
	/* take back a SIGPIPE our writes raised, then restore the mask */
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	for (int i = 0; i < 2; i++) {
		if (inp[i] >= 0)
			close(inp[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	return rc;
}
