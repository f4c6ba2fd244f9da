package org.careledger.application;

import jakarta.ejb.Local;
import java.util.List;

/** The append-only record of node starts. */
@Local
public interface NodeStartLog {

  void record(NodeStart start);

  /** Most recent first, at most {@code limit}. */
  List<NodeStart> latest(int limit);
}
