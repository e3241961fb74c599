package dev.viasock.spark;

import dev.viasock.Serverizer;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.util.TaskCompletionListener;

/** The function each task runs: its partition streamed through the program, as an iterator of the answers. */
final class PartitionPipe
    implements FlatMapFunction<Iterator<String>, String>, MapPartitionsFunction<String, String> {
  private static final long serialVersionUID = 1L;

  private final PipeSpec spec;

  PartitionPipe(PipeSpec spec) {
    this.spec = spec;
  }

  @Override
  public Iterator<String> call(Iterator<String> records) {
    if (!records.hasNext()) {
      return Collections.emptyIterator();
    }
    TaskContext task = TaskContext.get();
    if (task == null) {
      throw new IllegalStateException("ViasockPipe runs in Spark tasks; TaskContext.get() is null here");
    }
    Serverizer serverizer = spec.serverizer(TaskSlots.ofThisExecutor());
    ProgramLease program =
        spec.isPerHostServer()
            ? ProgramLease.ofBackgroundServer(serverizer)
            : LocalServers.shared().lease(serverizer, spec.idleTimeout());
    PartitionCall call = PartitionCall.start(program, serverizer.outputSplitter(), records, task);
    task.addTaskCompletionListener((TaskCompletionListener) ended -> call.close());
    return call;
  }
}
