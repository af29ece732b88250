"""The durable landing area: segment rotation, orphan recovery, reading from an offset."""

import fcntl
import os

from connectors.webhook_landing import (
    SegmentWriter,
    closed_segments,
    read_segment,
    recover_orphans,
)


def test_writer_rotates_at_the_size_limit_into_closed_segments(tmp_path):
    writer = SegmentWriter(tmp_path, segment_bytes=20)
    for number in range(5):
        writer.append([f"line-{number:04d}\n".encode()])  # 10 bytes: two per segment
    writer.close()
    names = closed_segments(tmp_path)
    assert len(names) == 3
    lines = [line for name in names for batch, _ in read_segment(tmp_path, name, 0, 10)
             for line in batch]  # fmt: skip
    assert lines == [f"line-{number:04d}".encode() for number in range(5)]


def test_recovery_skips_the_segment_of_a_live_writer(tmp_path):
    writer = SegmentWriter(tmp_path)
    writer.append([b"acknowledged\n"])
    assert recover_orphans(tmp_path) == 0
    assert closed_segments(tmp_path) == []
    writer.close()
    assert len(closed_segments(tmp_path)) == 1


def test_recovery_closes_an_orphan_and_drops_its_unacknowledged_partial_line(tmp_path):
    # given: a killed writer's segment, its last write cut short
    orphan = tmp_path / "20260302T090000000000Z-1-abcd.open"
    orphan.write_bytes(b'{"a":1}\n{"b":2}\n{"c":')
    # when
    recovered = recover_orphans(tmp_path)
    # then
    assert recovered == 1
    [name] = closed_segments(tmp_path)
    assert [batch for batch, _ in read_segment(tmp_path, name, 0, 10)] == [[b'{"a":1}', b'{"b":2}']]


def test_recovery_removes_an_orphan_holding_no_complete_line(tmp_path):
    (tmp_path / "20260302T090000000000Z-1-abcd.open").write_bytes(b'{"c":')
    assert recover_orphans(tmp_path) == 1
    assert list(tmp_path.iterdir()) == []


def test_recovery_leaves_a_segment_locked_by_another_process_alone(tmp_path):
    path = tmp_path / "20260302T090000000000Z-1-abcd.open"
    path.write_bytes(b"x\n")
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another open file description: conflicts like a process
    try:
        assert recover_orphans(tmp_path) == 0
    finally:
        os.close(fd)
    assert recover_orphans(tmp_path) == 1


def test_read_segment_resumes_from_a_byte_offset(tmp_path):
    writer = SegmentWriter(tmp_path)
    writer.append([b"one\n", b"two\n", b"three\n"])
    writer.close()
    [name] = closed_segments(tmp_path)
    [(first, offset)] = list(read_segment(tmp_path, name, 0, 1))[:1]
    assert (first, offset) == ([b"one"], 4)
    assert [batch for batch, _ in read_segment(tmp_path, name, offset, 10)] == [[b"two", b"three"]]
