"""Training toy models: the models, one epoch loop and evaluation, used by the command."""
from __future__ import annotations

import time

from . import creation, datasets, nn, optim
from .autograd.grad_mode import no_grad
from .utils.data import DataLoader


def make_model(kind: str, data: str, n_in: int, n_classes: int) -> nn.Module:
    if kind == "cnn":
        if data != "digits":
            raise SystemExit("--model cnn needs image data: use --data digits")
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, n_classes))
    hidden = 128 if data == "digits" else 64
    act = nn.ReLU if data == "digits" else nn.Tanh
    return nn.Sequential(nn.Linear(n_in, hidden), act(), nn.Linear(hidden, hidden), act(),
                         nn.Linear(hidden, n_classes))


def load_data(name: str, model: str):
    if name == "digits":
        return datasets.digits(flatten=model == "mlp")
    if name == "spirals":
        return datasets.spirals()
    if name == "moons":
        return datasets.moons()
    raise SystemExit(f"unknown dataset {name!r}: use digits, spirals or moons")


def evaluate(model: nn.Module, loader: DataLoader) -> tuple[float, float]:
    """(mean loss, accuracy) over a loader, in eval mode, without recording."""
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    with no_grad():
        for x, y in loader:
            out = model(x)
            loss_sum += float(nn.functional.cross_entropy(out, y, reduction="sum").item())
            correct += int((out.argmax(1) == y).sum().item())
            total += y.shape[0]
    model.train()
    return loss_sum / max(total, 1), correct / max(total, 1)


def fit(args, report) -> dict:
    """Train as the command's arguments say; `report(epoch_stats)` after each epoch."""
    creation.manual_seed(args.seed)
    train, test = load_data(args.data, args.model)
    x0, _ = train[0]
    n_classes = int(train.tensors[1].max().item()) + 1
    model = make_model(args.model, args.data, x0.numel(), n_classes).to(args.device)
    if args.optimizer == "adam":
        opt = optim.Adam(model.parameters(), lr=args.lr)
    else:
        opt = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    gen = creation.Generator().manual_seed(args.seed)
    train_loader = DataLoader(train, args.batch_size, shuffle=True, generator=gen,
                              device=args.device)
    eval_train = DataLoader(train, 512, device=args.device)
    test_loader = DataLoader(test, 512, device=args.device)
    history, start = [], time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        for x, y in report.batches(train_loader, epoch):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        train_loss, train_acc = evaluate(model, eval_train)
        test_loss, test_acc = evaluate(model, test_loader)
        stats = dict(epoch=epoch, loss=train_loss, train_accuracy=train_acc,
                     test_loss=test_loss, test_accuracy=test_acc,
                     seconds=time.perf_counter() - t0)
        history.append(stats)
        report.epoch(stats)
    return dict(model=model, history=history, seconds=time.perf_counter() - start)
