package org.careledger.application;

import java.util.Optional;
import org.careledger.domain.ErrorCode;

/**
 * Where the node is in its start-up. {@code problem} says what holds it back (with its code) while
 * it is not ready; a {@code FAILED} node needs an operator, a {@code STARTING} one retries.
 */
public record NodeStatus(State state, Optional<ErrorCode> code, Optional<String> problem) {

  public enum State {
    STARTING,
    READY,
    FAILED
  }

  public static NodeStatus ready() {
    return new NodeStatus(State.READY, Optional.empty(), Optional.empty());
  }

  public static NodeStatus starting(ErrorCode code, String problem) {
    return new NodeStatus(State.STARTING, Optional.ofNullable(code), Optional.ofNullable(problem));
  }

  public static NodeStatus failed(ErrorCode code, String problem) {
    return new NodeStatus(State.FAILED, Optional.of(code), Optional.of(problem));
  }

  public boolean isReady() {
    return state == State.READY;
  }
}
