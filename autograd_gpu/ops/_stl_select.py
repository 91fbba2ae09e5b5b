"""The order PyTorch's CPU topk leaves tied values in: its kernel selects with the C++ standard
library (GCC's libstdc++) - std::partial_sort when k * 64 <= n, otherwise std::nth_element
then std::sort of the first k - 1 - on (value, index) pairs compared by value only, so among
equal values the positions those algorithms happen to leave are the answer. Written here
from the algorithms' published descriptions, on Python lists: used only for the lines where
ties can change the result (a line of distinct values has one answer)."""
from __future__ import annotations

import math

_THRESHOLD = 16  # libstdc++'s introsort cut-over to insertion sort


def _lg(n: int) -> int:
    return n.bit_length() - 1


def _move_median_to_first(a, result, x, y, z, comp) -> None:
    if comp(a[x], a[y]):
        if comp(a[y], a[z]):
            a[result], a[y] = a[y], a[result]
        elif comp(a[x], a[z]):
            a[result], a[z] = a[z], a[result]
        else:
            a[result], a[x] = a[x], a[result]
    elif comp(a[x], a[z]):
        a[result], a[x] = a[x], a[result]
    elif comp(a[y], a[z]):
        a[result], a[z] = a[z], a[result]
    else:
        a[result], a[y] = a[y], a[result]


def _unguarded_partition(a, first: int, last: int, pivot: int, comp) -> int:
    while True:
        while comp(a[first], a[pivot]):
            first += 1
        last -= 1
        while comp(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _partition_pivot(a, first: int, last: int, comp) -> int:
    mid = first + (last - first) // 2
    _move_median_to_first(a, first, first + 1, mid, last - 1, comp)
    return _unguarded_partition(a, first + 1, last, first, comp)


def _unguarded_linear_insert(a, last: int, comp) -> None:
    val = a[last]
    nxt = last - 1
    while comp(val, a[nxt]):
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = val


def _insertion_sort(a, first: int, last: int, comp) -> None:
    if first == last:
        return
    for i in range(first + 1, last):
        if comp(a[i], a[first]):
            val = a[i]
            a[first + 1:i + 1] = a[first:i]
            a[first] = val
        else:
            _unguarded_linear_insert(a, i, comp)


def _push_heap(a, base: int, hole: int, top: int, value, comp) -> None:
    parent = (hole - 1) // 2
    while hole > top and comp(a[base + parent], value):
        a[base + hole] = a[base + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[base + hole] = value


def _adjust_heap(a, base: int, hole: int, length: int, value, comp) -> None:
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if comp(a[base + child], a[base + child - 1]):
            child -= 1
        a[base + hole] = a[base + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[base + hole] = a[base + child - 1]
        hole = child - 1
    _push_heap(a, base, hole, top, value, comp)


def _make_heap(a, first: int, last: int, comp) -> None:
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(a, first, parent, length, a[first + parent], comp)
        if parent == 0:
            return
        parent -= 1


def _pop_heap(a, first: int, last: int, result: int, comp) -> None:
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, comp)


def _heap_select(a, first: int, middle: int, last: int, comp) -> None:
    _make_heap(a, first, middle, comp)
    for i in range(middle, last):
        if comp(a[i], a[first]):
            _pop_heap(a, first, middle, i, comp)


def _sort_heap(a, first: int, last: int, comp) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last, comp)


def partial_sort(a, first: int, middle: int, last: int, comp) -> None:
    _heap_select(a, first, middle, last, comp)
    _sort_heap(a, first, middle, comp)


def nth_element(a, first: int, nth: int, last: int, comp) -> None:
    if first == last or nth == last:
        return
    depth = _lg(last - first) * 2
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, comp)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, comp)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, comp)


def _introsort_loop(a, first: int, last: int, depth: int, comp) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            partial_sort(a, first, last, last, comp)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, comp)
        _introsort_loop(a, cut, last, depth, comp)
        last = cut


def sort(a, first: int, last: int, comp) -> None:
    if first == last:
        return
    _introsort_loop(a, first, last, _lg(last - first) * 2, comp)
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD, comp)
        for i in range(first + _THRESHOLD, last):
            _unguarded_linear_insert(a, i, comp)
    else:
        _insertion_sort(a, first, last, comp)


def _largest_first(x, y) -> bool:  # NaN counts as the largest, as PyTorch's kernel says
    return (math.isnan(x[0]) and not math.isnan(y[0])) or x[0] > y[0]


def _smallest_first(x, y) -> bool:
    return (not math.isnan(x[0]) and math.isnan(y[0])) or x[0] < y[0]


def topk_line(values: list, k: int, largest: bool, sorted_: bool) -> list:
    """The indices PyTorch's CPU topk returns for one line of values."""
    n = len(values)
    if k == 0:
        return []
    queue = [(v, j) for j, v in enumerate(values)]
    comp = _largest_first if largest else _smallest_first
    if k * 64 <= n:
        partial_sort(queue, 0, k, n, comp)
    else:
        nth_element(queue, 0, k - 1, n, comp)
        if sorted_:
            sort(queue, 0, k - 1, comp)
    return [j for _, j in queue[:k]]


def _gt_or_nan(x, y) -> bool:
    return (math.isnan(x) and not math.isnan(y)) or x > y


def kth_line(values: list, k: int) -> int:
    """The index PyTorch's CPU kthvalue returns for the k-th smallest (0-based k) of one line:
    its own quickselect (median-of-three pivot, NaN largest) on (value, index) pairs."""
    arr = [(v, j) for j, v in enumerate(values)]
    gt = _gt_or_nan
    lo, hi = 0, len(arr) - 1
    while True:
        if hi <= lo:
            break
        if hi == lo + 1:
            if gt(arr[lo][0], arr[hi][0]):
                arr[lo], arr[hi] = arr[hi], arr[lo]
            break
        p = lo + (hi - lo) // 2
        arr[p], arr[lo + 1] = arr[lo + 1], arr[p]
        if gt(arr[lo + 1][0], arr[hi][0]):
            arr[lo + 1], arr[hi] = arr[hi], arr[lo + 1]
        if gt(arr[lo][0], arr[hi][0]):
            arr[lo], arr[hi] = arr[hi], arr[lo]
        if gt(arr[lo + 1][0], arr[lo][0]):
            arr[lo + 1], arr[lo] = arr[lo], arr[lo + 1]
        i, j = lo + 1, hi
        pivot = arr[lo][0]
        while True:
            i += 1
            while gt(pivot, arr[i][0]):
                i += 1
            j -= 1
            while gt(arr[j][0], pivot):
                j -= 1
            if j < i:
                break
            arr[i], arr[j] = arr[j], arr[i]
        arr[lo], arr[j] = arr[j], arr[lo]
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return arr[k][1]


def mode_line(values: list) -> tuple:
    """(value, index) PyTorch's CPU mode returns for one line: std::sort of (value, index)
    pairs by value (<), then the first longest run of equal (==) values, its last pair."""
    pairs = [(v, j) for j, v in enumerate(values)]
    sort(pairs, 0, len(pairs), lambda x, y: x[0] < y[0])
    best, best_index, best_count, count = None, 0, 0, 0
    for i, (v, j) in enumerate(pairs):
        count += 1
        if i == len(pairs) - 1 or v != pairs[i + 1][0]:
            if count > best_count:
                best, best_index, best_count = v, j, count
            count = 0
    return best, best_index
