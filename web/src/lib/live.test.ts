import { describe, expect, it, vi } from "vitest";

import { isInterruption, reconnectListener, resubscribing, type Sink, type Subscribe } from "./live";

/** A fake server side: records each subscription it was asked for, and lets the test end them. */
function fakeSource() {
  const attempts: { sink: Sink<string>; stopped: boolean }[] = [];
  const subscribe: Subscribe<string> = (sink) => {
    const attempt = { sink, stopped: false };
    attempts.push(attempt);
    return () => {
      attempt.stopped = true;
    };
  };
  return { attempts, subscribe, last: () => attempts[attempts.length - 1]! };
}

/** A manual clock: `schedule` queues, `tick` runs what is due. */
function fakeTimers() {
  const queue: { run: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    waits: () => queue.map((t) => t.ms),
    schedule(run: () => void, ms: number) {
      const timer = { run, ms, cancelled: false };
      queue.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    runAll() {
      for (const timer of queue.splice(0)) if (!timer.cancelled) timer.run();
    },
  };
}

function observer() {
  return { next: vi.fn(), error: vi.fn(), complete: vi.fn() };
}

const interrupted = [{ message: "Live updates were interrupted", extensions: { code: "LIVE_INTERRUPTED" } }];

describe("resubscribing", () => {
  it("passes events through", () => {
    const source = fakeSource();
    const sink = observer();
    resubscribing(source.subscribe)(sink);
    source.last().sink.next("a");
    source.last().sink.next("b");
    expect(sink.next.mock.calls).toEqual([["a"], ["b"]]);
  });

  it("subscribes again after the server completes the subscription, then asks for a refetch", () => {
    const source = fakeSource();
    const timers = fakeTimers();
    const onResubscribe = vi.fn();
    const sink = observer();
    resubscribing(source.subscribe, { schedule: timers.schedule, onResubscribe })(sink);

    source.last().sink.complete();
    expect(source.attempts).toHaveLength(1);
    expect(onResubscribe).not.toHaveBeenCalled();
    timers.runAll();
    expect(source.attempts).toHaveLength(2);
    expect(onResubscribe).toHaveBeenCalledWith("completed");
    // The app never saw the subscription end.
    expect(sink.complete).not.toHaveBeenCalled();
    expect(sink.error).not.toHaveBeenCalled();

    source.last().sink.next("after");
    expect(sink.next).toHaveBeenCalledWith("after");
  });

  it("subscribes again after LIVE_INTERRUPTED, as graphql-ws reports it and as urql wraps it", () => {
    const source = fakeSource();
    const timers = fakeTimers();
    const onResubscribe = vi.fn();
    const sink = observer();
    resubscribing(source.subscribe, { schedule: timers.schedule, onResubscribe })(sink);

    source.last().sink.error(interrupted);
    timers.runAll();
    source.last().sink.error({ graphQLErrors: interrupted });
    timers.runAll();
    expect(source.attempts).toHaveLength(3);
    expect(onResubscribe.mock.calls).toEqual([["interrupted"], ["interrupted"]]);
    expect(sink.error).not.toHaveBeenCalled();
  });

  it("waits longer after each failure in a row, and starts over once an event arrives", () => {
    const source = fakeSource();
    const timers = fakeTimers();
    resubscribing(source.subscribe, { schedule: timers.schedule, delays: [10, 20, 40] })(observer());
    for (let i = 0; i < 4; i++) {
      source.last().sink.complete();
      timers.runAll();
    }
    source.last().sink.next("ok");
    source.last().sink.complete();
    expect(timers.waits()).toEqual([10]);
    expect(source.attempts).toHaveLength(5);
  });

  it("ends on an error that a new attempt would not fix", () => {
    const source = fakeSource();
    const timers = fakeTimers();
    const sink = observer();
    resubscribing(source.subscribe, { schedule: timers.schedule })(sink);
    const refused = [{ message: "Not signed in", extensions: { code: "FORBIDDEN" } }];
    source.last().sink.error(refused);
    timers.runAll();
    expect(sink.error).toHaveBeenCalledWith(refused);
    expect(source.attempts).toHaveLength(1);
  });

  it("stops for good when the app unsubscribes, even with an attempt pending", () => {
    const source = fakeSource();
    const timers = fakeTimers();
    const onResubscribe = vi.fn();
    const stop = resubscribing(source.subscribe, { schedule: timers.schedule, onResubscribe })(observer());
    source.last().sink.complete();
    stop();
    timers.runAll();
    expect(source.attempts).toHaveLength(1);
    expect(onResubscribe).not.toHaveBeenCalled();

    const source2 = fakeSource();
    const stop2 = resubscribing(source2.subscribe)(observer());
    stop2();
    expect(source2.last().stopped).toBe(true);
  });

  it("ignores a late event from an attempt that already ended", () => {
    const source = fakeSource();
    const timers = fakeTimers();
    const sink = observer();
    resubscribing(source.subscribe, { schedule: timers.schedule })(sink);
    const first = source.last().sink;
    first.complete();
    first.next("late");
    first.complete();
    expect(sink.next).not.toHaveBeenCalled();
    expect(timers.waits()).toHaveLength(1);
  });

  it("copes with a subscription that ends before subscribe returns", () => {
    const timers = fakeTimers();
    let calls = 0;
    const subscribe: Subscribe<string> = (sink) => {
      calls += 1;
      if (calls === 1) sink.complete();
      return () => {};
    };
    resubscribing(subscribe, { schedule: timers.schedule })(observer());
    timers.runAll();
    expect(calls).toBe(2);
  });
});

describe("isInterruption", () => {
  it.each([
    [interrupted, true],
    [{ graphQLErrors: [{ message: "x", extensions: { code: "SERVICE_UNAVAILABLE" } }] }, true],
    [[{ message: "x", extensions: { code: "FORBIDDEN" } }], false],
    [[{ message: "x" }], false],
    [new Error("socket"), false],
    [null, false],
  ])("%j → %s", (error, expected) => {
    expect(isInterruption(error)).toBe(expected);
  });
});

describe("reconnectListener", () => {
  it("reports every connection after the first, and every retry", () => {
    const onReconnected = vi.fn();
    const connected = reconnectListener(onReconnected);
    connected({}, undefined, false);
    expect(onReconnected).not.toHaveBeenCalled();
    connected({}, undefined, true);
    connected({}, undefined, false);
    expect(onReconnected).toHaveBeenCalledTimes(2);
  });
});
