package org.detsearch.eval;

/**
 * A stable merge sort of int indices by a primitive comparator: numpy's {@code argsort(kind='mergesort')},
 * whose stability decides ties between equal scores, without boxing half a million Integers.
 */
final class StableSort {
    @FunctionalInterface
    interface IndexComparator {
        int compare(int a, int b);
    }

    private StableSort() {
    }

    /** Order of two scores, highest first, with 0.0 and -0.0 equal as numpy compares them. */
    static int descending(double a, double b) {
        return a > b ? -1 : (a < b ? 1 : 0);
    }

    static void sort(int[] indices, IndexComparator comparator) {
        int[] buffer = new int[indices.length];
        mergeSort(indices, buffer, 0, indices.length, comparator);
    }

    private static void mergeSort(int[] a, int[] buffer, int from, int to, IndexComparator c) {
        if (to - from < 16) {
            for (int i = from + 1; i < to; i++) {
                int value = a[i];
                int j = i - 1;
                while (j >= from && c.compare(a[j], value) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = value;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, buffer, from, mid, c);
        mergeSort(a, buffer, mid, to, c);
        if (c.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, buffer, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && c.compare(buffer[i], buffer[j]) <= 0)) {
                a[k] = buffer[i++];
            } else {
                a[k] = buffer[j++];
            }
        }
    }
}
