/** The shape of a dataset format plug-in (one file per format in this folder, listed in ./index.ts). */
import type { Task } from '../../tasks/index.js';
import type { Dataset } from '../dataset.js';

export interface DatasetFormat {
  /** The name challenges (`dataset.format`) and `--format` use. */
  id: string;
  /** One line for help and errors. */
  description: string;
  /** Files (relative to the folder) whose identity changes when the set does: the read cache's key. The first must exist in a complete set. */
  stampFiles: readonly string[];
  /** Whether `dir` holds a complete set in this format. */
  isComplete(dir: string): boolean;
  /** Read the set; `task` decides the sample checks and default encoding. @throws DatasetError naming the file and line. */
  read(dir: string, task: Task): Dataset;
}
