#pragma once
// Splits one fuzzer input into the pieces a harness needs (a few numbers, then strings), in the spirit
// of LLVM's FuzzedDataProvider but usable by g++ too, so every harness also builds as a plain replay test.
// Numbers are taken from the end of the input and the text from the front, so that the seed files of the
// corpus (real protocol text) still decode to their intended strings.
#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>
#include <cstdint>

namespace caduceus::fuzz {

class FuzzInput
{
public:
    FuzzInput(const uint8_t *data, size_t size) : m_data(reinterpret_cast<const char *>(data)), m_end(size) {}

    size_t remaining() const { return m_end - m_begin; }
    bool empty() const { return m_begin >= m_end; }

    // A byte from the back of the input (0 once it is used up).
    uint8_t takeByte()
    {
        if (empty())
            return 0;
        return uint8_t(m_data[--m_end]);
    }
    // A number in [0, bound) made of up to four bytes from the back (0 when bound is 0).
    uint32_t takeBelow(uint32_t bound)
    {
        if (bound == 0)
            return 0;
        uint32_t value = 0;
        for (uint32_t range = bound - 1; range != 0 && !empty(); range >>= 8)
            value = (value << 8) | takeByte();
        return value % bound;
    }
    bool takeBool() { return takeByte() & 1; }

    // Bytes from the front up to (not including) `separator`, which is consumed; all the rest when absent.
    QByteArray takeUntil(char separator)
    {
        const QByteArrayView rest(m_data + m_begin, qsizetype(remaining()));
        const qsizetype at = rest.indexOf(separator);
        if (at < 0)
            return takeRest();
        const QByteArray piece = rest.first(at).toByteArray();
        m_begin += size_t(at) + 1;
        return piece;
    }
    QByteArray takeRest()
    {
        const QByteArray piece(m_data + m_begin, qsizetype(remaining()));
        m_begin = m_end;
        return piece;
    }

private:
    const char *m_data;
    size_t m_begin = 0;
    size_t m_end;
};

} // namespace caduceus::fuzz
