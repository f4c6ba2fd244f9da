package org.careledger.domain.consensus;

/** The four QBFT messages, with the byte that names each on the wire. */
public enum MessageType {
  PROPOSAL(1),
  PREPARE(2),
  COMMIT(3),
  ROUND_CHANGE(4);

  private final int wire;

  MessageType(int wire) {
    this.wire = wire;
  }

  int wire() {
    return wire;
  }

  static MessageType ofWire(int wire) {
    for (MessageType type : values()) {
      if (type.wire == wire) {
        return type;
      }
    }
    throw MessageCodec.malformed("unknown message type " + wire);
  }
}
