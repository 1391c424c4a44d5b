/**
 * Data for the browser app: the bundled `mnist` package digits (gzipped IDX files
 * emitted by vite.config.ts), IDX files the user drops in or picks, or IDX files
 * at a URL (a folder holding the four MNIST-style files, raw or .gz). Every file
 * goes through the library's IDX validation, so errors name the file and the cause.
 */
import { DataSourceError, IdxFormatError, datasetFromIdx, parseIdx, readBytes, subset, takeFirst, type DatasetSplits, type IdxArray, type ImageDataset } from 'webspike';

export type IdxRole = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

export const IDX_NAMES: Record<IdxRole, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** Which of the four MNIST files a file name is (train-images-idx3-ubyte.gz, t10k-labels.idx1-ubyte, …). */
export function idxRole(fileName: string): IdxRole | undefined {
  const n = fileName.toLowerCase();
  const test = /t10k|test/.test(n);
  const train = !test && /train/.test(n);
  const images = /images|idx3/.test(n);
  const labels = /labels|idx1/.test(n);
  if (!(test || train) || images === labels) return undefined;
  return test ? (images ? 'testImages' : 'testLabels') : images ? 'trainImages' : 'trainLabels';
}

/** Train / test from parsed files; without a test pair the last sixth of the train files is held out. */
export function splitsFromIdx(files: Partial<Record<IdxRole, { array: IdxArray; name: string }>>, name: string): DatasetSplits {
  const missing = (['trainImages', 'trainLabels'] as const).filter((r) => !files[r]);
  if (missing.length) {
    throw new DataSourceError(name, `missing ${missing.map((r) => IDX_NAMES[r]).join(' and ')} (give the train images and labels, and optionally the t10k pair)`);
  }
  const pair = (img: IdxRole, lab: IdxRole, split: string): ImageDataset =>
    datasetFromIdx(files[img]!.array, files[lab]!.array, `${name}/${split}`, { imagesFile: files[img]!.name, labelsFile: files[lab]!.name });
  const train = pair('trainImages', 'trainLabels', 'train');
  if (files.testImages && files.testLabels) {
    const test = pair('testImages', 'testLabels', 'test');
    if (test.rows !== train.rows || test.cols !== train.cols) {
      throw new IdxFormatError(files.testImages.name, `test images are ${test.rows}×${test.cols} but train images are ${train.rows}×${train.cols}`);
    }
    return { train, test };
  }
  if (files.testImages || files.testLabels) {
    const have = files.testImages ? 'testImages' : 'testLabels';
    const lack = files.testImages ? 'testLabels' : 'testImages';
    throw new DataSourceError(files[have]!.name, `has no partner: also give ${IDX_NAMES[lack]}`);
  }
  if (train.count < 2) throw new IdxFormatError(files.trainImages!.name, 'need at least 2 samples to hold out a test set');
  const held = Math.max(1, Math.floor(train.count / 6));
  return { train: subset(train, 0, train.count - held), test: subset(train, train.count - held, held) };
}

/** Parse dropped / picked files; each one is validated on its own first, so a bad file is named at once. */
export async function parseIdxFiles(files: readonly File[]): Promise<Partial<Record<IdxRole, { array: IdxArray; name: string }>>> {
  const out: Partial<Record<IdxRole, { array: IdxArray; name: string }>> = {};
  for (const file of files) {
    const role = idxRole(file.name);
    if (!role) {
      throw new DataSourceError(file.name, `cannot tell which MNIST file this is from its name; name it like ${Object.values(IDX_NAMES).join(', ')} (optionally .gz)`);
    }
    if (out[role]) throw new DataSourceError(file.name, `two files for ${IDX_NAMES[role]}: ${out[role]!.name} and ${file.name}`);
    out[role] = { array: await parseIdx(new Uint8Array(await file.arrayBuffer()), file.name), name: file.name };
  }
  return out;
}

async function fetchFirst(base: string, role: IdxRole): Promise<{ array: IdxArray; name: string } | undefined> {
  const stem = IDX_NAMES[role];
  const tried: string[] = [];
  for (const name of [`${stem}.gz`, stem, `${stem.replace(/-(idx\d)/, '.$1')}.gz`, stem.replace(/-(idx\d)/, '.$1')]) {
    const url = new URL(name, base.endsWith('/') ? base : `${base}/`).href;
    try {
      return { array: await parseIdx(await readBytes(url), url), name: url };
    } catch (e) {
      if (e instanceof DataSourceError && /HTTP 404|HTTP 410/.test(e.message)) {
        tried.push(name);
        continue;
      }
      throw e;
    }
  }
  if (role.startsWith('test')) return undefined;
  throw new DataSourceError(base, `no ${stem} there (tried ${tried.join(', ')})`);
}

/** The four MNIST-style files from a folder URL (relative URLs are relative to the page). */
export async function loadIdxUrl(base: string, name = 'url'): Promise<DatasetSplits> {
  const abs = new URL(base, location.href).href;
  const files: Partial<Record<IdxRole, { array: IdxArray; name: string }>> = {};
  for (const role of Object.keys(IDX_NAMES) as IdxRole[]) {
    const f = await fetchFirst(abs, role);
    if (f) files[role] = f;
  }
  return splitsFromIdx(files, name);
}

/** The 10,000 digits of the `mnist` package (8,000 train / 2,000 test), bundled with the app. */
export function loadBundledDigits(): Promise<DatasetSplits> {
  return loadIdxUrl(new URL('./data/mnist-digits/', document.baseURI).href, 'mnist-digits');
}

export function limitSplits(d: DatasetSplits, trainLimit: number, testLimit: number): DatasetSplits {
  return {
    train: trainLimit > 0 ? takeFirst(d.train, trainLimit) : d.train,
    test: testLimit > 0 ? takeFirst(d.test, testLimit) : d.test,
  };
}
