"""`python -m demos`: run the course demos (for now, the chain-rule numbers)."""

from autograd import Value


def main(argv=None) -> None:
    a, b, c, d = (Value(x, label=name) for x, name in zip((1.0, 2.0, 3.0, 4.0), "abcd"))
    g = a + b
    h = c + d
    i = g * h
    f = i**2
    for node, name in ((g, "g"), (h, "h"), (i, "i"), (f, "f")):
        node.label = name
    f.backward()
    print("f(a, b, c, d) = ((a + b) * (c + d))^2 at a, b, c, d = 1, 2, 3, 4")
    for node in (a, b, c, d, g, h, i, f):
        print(f"  {node.label}: value {node.data:g}, df/d{node.label} = {node.grad:g}")


if __name__ == "__main__":
    main()
